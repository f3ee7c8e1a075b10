"""The canonical JSON document of a questionnaire version and its sha256 content hash.

The document has two parts: ``definition``, a normalised form of the YAML definition (loadable by
``build_questionnaire`` again), and ``compiled``, the JSON syntax trees of every expression. A published
version's trees are authoritative: reading the document back uses the stored trees, so a later change of
the expression parser can never change what a frozen version means.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from survey.domain.model import (
    Alternative, Choice, DimensionNode, Expression, Item, Labels, Questionnaire, Score, Section,
)
from survey.domain.problems import Problem, QuestionnaireError
from survey.domain.schema import build_questionnaire

DOCUMENT_FORMAT = 1


def to_document(q: Questionnaire) -> dict[str, Any]:
    """Return the JSON-ready canonical document of a questionnaire version."""
    definition: dict[str, Any] = {
        "code": q.code,
        "version": q.version,
        "title": q.title.to_document(),
        "family": q.family,
        "default_language": q.default_language,
        "languages": list(q.languages),
        "choice_lists": {name: _choices(c) for name, c in q.choice_lists.items()},
        "sections": [_section(s) for s in q.sections],
    }
    if q.dimensions is not None:
        definition["dimensions"] = _node(q.dimensions)
    for key in ("source", "description"):
        if getattr(q, key) is not None:
            definition[key] = getattr(q, key).to_document()
    if q.effective_date is not None:
        definition["effective_date"] = q.effective_date
    compiled = {
        item.code: {
            kind: dict(expr.tree)
            for kind, expr in (("relevant", item.relevant), ("constraint", item.constraint))
            if expr is not None
        }
        for item in q.items
        if item.relevant is not None or item.constraint is not None
    }
    return {"format": DOCUMENT_FORMAT, "definition": definition, "compiled": compiled}


def canonical_json(document: dict[str, Any]) -> bytes:
    """Serialise a document canonically: sorted keys, no spaces, UTF-8, NaN refused."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(document: dict[str, Any]) -> str:
    """Return the sha256 hex digest of the canonical JSON of a document."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def from_document(document: dict[str, Any], source: str = "stored version") -> Questionnaire:
    """Rebuild a questionnaire from its document, keeping the stored expression trees."""
    if not isinstance(document, dict) or document.get("format") != DOCUMENT_FORMAT:
        raise QuestionnaireError([Problem(source, "", "not a questionnaire document of a known format")])
    q = build_questionnaire(document.get("definition"), source)
    compiled = document.get("compiled") or {}
    sections = tuple(
        replace(s, items=tuple(_stored_trees(i, compiled.get(i.code, {})) for i in s.items))
        for s in q.sections
    )
    return replace(q, sections=sections)


def _stored_trees(item: Item, trees: dict[str, Any]) -> Item:
    """Return the item with the stored syntax trees of its expressions."""
    changes = {
        kind: Expression(getattr(item, kind).text, trees[kind])
        for kind in ("relevant", "constraint")
        if getattr(item, kind) is not None and kind in trees
    }
    return replace(item, **changes) if changes else item


def _choices(choices: tuple[Choice, ...]) -> list[dict[str, Any]]:
    """Return choices as documents."""
    return [{"value": c.value, "label": c.label.to_document()} for c in choices]


def _labels(labels: Labels | None) -> dict[str, str] | None:
    """Return labels as a document, or None."""
    return None if labels is None else labels.to_document()


def _score(score: Score) -> dict[str, Any]:
    """Return a scoring rule as a document."""
    if score.satisfied is not None:
        return {"satisfied": list(score.satisfied)}
    doc: dict[str, Any] = {}
    if score.values is not None:
        doc["values"] = dict(score.values)
    if score.rescale is not None:
        doc["rescale"] = {"min": score.rescale[0], "max": score.rescale[1]}
    if score.reverse:
        doc["reverse"] = True
    return doc


def _section(section: Section) -> dict[str, Any]:
    """Return a section as a document."""
    doc: dict[str, Any] = {
        "code": section.code, "label": section.label.to_document(),
        "items": [_item(i) for i in section.items],
    }
    if section.hint is not None:
        doc["hint"] = section.hint.to_document()
    return doc


def _item(item: Item) -> dict[str, Any]:
    """Return an item as a document, leaving out keys at their defaults."""
    doc: dict[str, Any] = {"code": item.code, "type": item.type, "label": item.label.to_document()}
    optional = {
        "hint": _labels(item.hint),
        "choices": item.choice_list or (_choices(item.choices) if item.choices else None),
        "required": item.required or None,
        "relevant": item.relevant.text if item.relevant else None,
        "constraint": item.constraint.text if item.constraint else None,
        "constraint_message": _labels(item.constraint_message),
        "min": item.min,
        "max": item.max,
        "dimension": item.dimension,
        "score": _score(item.score) if item.score else None,
        "role": item.role,
        "pii": item.pii or None,
    }
    doc.update({key: value for key, value in optional.items() if value is not None})
    return doc


def _node(node: DimensionNode) -> dict[str, Any]:
    """Return a dimension node as a document (leaves' items are implied by the items)."""
    doc: dict[str, Any] = {
        "code": node.code, "label": node.label.to_document(), "aggregate": node.aggregate,
    }
    if node.children:
        doc["children"] = [_node(child) for child in node.children]
    if node.alternatives:
        doc["alternatives"] = [_alternative(a) for a in node.alternatives]
    return doc


def _alternative(alt: Alternative) -> dict[str, Any]:
    """Return an alternative aggregation as a document."""
    return {
        "code": alt.code, "label": alt.label.to_document(), "aggregate": alt.aggregate,
        "items": list(alt.items),
    }
