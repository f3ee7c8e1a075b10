"""Which responses count for a unit: its subtree, plus its predecessors' data from before a merger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from survey.db.organisation import Unit, UnitPredecessor
from survey.db.responses import Response

#: Unit levels an analyst can group by, below the chosen unit, and the unit kinds at each.
LEVELS = {
    "commune": ("commune", "ward", "district"),
    "service_centre": ("service_centre",),
    "counter": ("counter",),
}
LEVEL_TEXT = {
    "commune": ("Xã, phường", "communes and wards"),
    "service_centre": ("Trung tâm phục vụ hành chính công", "service centres"),
    "counter": ("Quầy", "counters"),
}


@dataclass(frozen=True)
class Part:
    """Units whose responses count, for local days before ``before`` (None: always)."""

    unit_ids: frozenset[int]
    before: dt.date | None


@dataclass(frozen=True)
class Reach:
    """The responses of a unit's subtree, and the unit (in the subtree) each responding unit counts for."""

    root_id: int
    parts: tuple[Part, ...]
    owner: dict[int, int]
    parents: dict[int, int | None]
    kinds: dict[int, str]

    def condition(self, unit_column=Response.unit_id, date_column=Response.local_date):
        """Return the SQL condition selecting the responses (or daily rows) that count for the root unit."""
        clauses = []
        for part in self.parts:
            inside = unit_column.in_(sorted(part.unit_ids))
            clauses.append(inside if part.before is None else and_(inside, date_column < part.before))
        return or_(*clauses)

    def child_of(self, unit_id: int) -> int:
        """Return the child of the root that ``unit_id``'s responses count for (the root itself if direct)."""
        current = self.owner.get(unit_id, unit_id)
        while current != self.root_id:
            parent = self.parents.get(current)
            if parent == self.root_id or parent is None:
                return current
            current = parent
        return current

    def row_of(self, unit_id: int, level: str | None = None) -> int | None:
        """Return the row a unit's responses count for: the root's child, or its unit at ``level``.

        With a level (LEVELS), the row is the unit's nearest ancestor of that level inside the
        subtree, or None for responses made above that level (they count in the total only).
        """
        if level is None:
            return self.child_of(unit_id)
        current: int | None = self.owner.get(unit_id, unit_id)
        while current is not None:
            if self.kinds.get(current) in LEVELS[level]:
                return current
            if current == self.root_id:
                return None
            current = self.parents.get(current)
        return None

    @property
    def unit_ids(self) -> set[int]:
        """Return every unit whose responses may count (the subtree and the predecessors)."""
        return {unit_id for part in self.parts for unit_id in part.unit_ids}


def reach_of(session: Session, root_id: int) -> Reach:
    """Return the reach of ``root_id``: its subtree, and predecessors' subtrees before their merger."""
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.kind)).all()
    parents = {unit_id: parent_id for unit_id, parent_id, _ in rows}
    kinds = {unit_id: kind for unit_id, _, kind in rows}
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(unit_id)
    links = session.execute(select(UnitPredecessor.unit_id, UnitPredecessor.predecessor_id,
                                   UnitPredecessor.effective_date)).all()
    predecessors: dict[int, list[tuple[int, dt.date]]] = {}
    for unit_id, predecessor_id, effective in links:
        predecessors.setdefault(unit_id, []).append((predecessor_id, effective))
    subtree = _subtree(children, root_id)
    owner = {unit_id: unit_id for unit_id in subtree}
    claimed = set(subtree)
    parts = [Part(frozenset(subtree), None)]
    pending = [(unit_id, unit_id, None) for unit_id in sorted(subtree)]
    while pending:
        successor, unit_id, limit = pending.pop()
        for predecessor_id, effective in predecessors.get(unit_id, ()):
            before = effective if limit is None else min(limit, effective)
            old = _subtree(children, predecessor_id) - claimed
            if not old:
                continue
            claimed |= old
            owner.update({old_id: successor for old_id in old})
            parts.append(Part(frozenset(old), before))
            pending.extend((successor, old_id, before) for old_id in sorted(old))
    return Reach(root_id, tuple(parts), owner, parents, kinds)


def _subtree(children: dict[int | None, list[int]], root_id: int) -> set[int]:
    """Return ``root_id`` and every unit below it."""
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found
