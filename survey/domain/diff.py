"""What changed between two versions of a questionnaire, by item code."""

from __future__ import annotations

from dataclasses import dataclass

from survey.domain.document import to_document
from survey.domain.model import Questionnaire


@dataclass(frozen=True)
class ItemChange:
    """One item present in both versions whose definition differs."""

    code: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class VersionDiff:
    """The differences between an old and a new version."""

    old: str
    new: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    moved: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the two versions define the same content."""
        return not (
            self.added or self.removed or self.changed or self.moved or self.metadata or self.dimensions
        )

    def to_dict(self) -> dict:
        """Return a JSON-ready description."""
        return {
            "old": self.old, "new": self.new, "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"code": c.code, "fields": list(c.fields)} for c in self.changed],
            "moved": list(self.moved), "metadata": list(self.metadata),
            "dimensions": list(self.dimensions),
        }


def diff(old: Questionnaire, new: Questionnaire) -> VersionDiff:
    """Compare two versions item by item (codes are stable across versions)."""
    old_doc, new_doc = to_document(old)["definition"], to_document(new)["definition"]
    old_items = _items_by_code(old_doc)
    new_items = _items_by_code(new_doc)
    changed = []
    for code in (c for c in new_items if c in old_items):
        (old_section, old_item), (new_section, new_item) = old_items[code], new_items[code]
        fields = sorted(
            key for key in old_item.keys() | new_item.keys() if old_item.get(key) != new_item.get(key)
        )
        if old_section != new_section:
            fields.append("section")
        if fields:
            changed.append(ItemChange(code, tuple(fields)))
    common_old = [c for c in old_items if c in new_items]
    common_new = [c for c in new_items if c in old_items]
    moved = tuple(c for c, d in zip(common_old, common_new) if c != d) if common_old != common_new else ()
    ignore = {"sections", "dimensions", "version"}
    metadata = tuple(
        sorted(k for k in (old_doc.keys() | new_doc.keys()) - ignore if old_doc.get(k) != new_doc.get(k))
    )
    return VersionDiff(
        old=old.version,
        new=new.version,
        added=tuple(c for c in new_items if c not in old_items),
        removed=tuple(c for c in old_items if c not in new_items),
        changed=tuple(changed),
        moved=moved,
        metadata=metadata,
        dimensions=_tree_changes(old_doc.get("dimensions"), new_doc.get("dimensions")),
    )


def _items_by_code(definition: dict) -> dict[str, tuple[str, dict]]:
    """Map item code to (section code, item document), in order."""
    return {
        item["code"]: (section["code"], item)
        for section in definition["sections"]
        for item in section["items"]
    }


def _tree_changes(old: dict | None, new: dict | None) -> tuple[str, ...]:
    """Describe added, removed and changed dimension nodes."""
    old_nodes = _flatten(old) if old else {}
    new_nodes = _flatten(new) if new else {}
    notes = [f"added {c}" for c in new_nodes if c not in old_nodes]
    notes += [f"removed {c}" for c in old_nodes if c not in new_nodes]
    notes += [f"changed {c}" for c in new_nodes if c in old_nodes and old_nodes[c] != new_nodes[c]]
    return tuple(notes)


def _flatten(node: dict, parent: str = "") -> dict[str, dict]:
    """Map node code to its own fields plus its parent, for the whole subtree."""
    own = {k: v for k, v in node.items() if k != "children"}
    own["parent"] = parent
    result = {node["code"]: own}
    for child in node.get("children", []):
        result.update(_flatten(child, node["code"]))
    return result
