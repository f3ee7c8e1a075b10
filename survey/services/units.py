"""Queries over the unit tree: subtrees for scoping, ancestors for display, lookups by code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.organisation import Unit


def by_code(session: Session, code: str) -> Unit | None:
    """Return the unit with ``code``, or None."""
    return session.scalars(select(Unit).where(Unit.code == code)).first()


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """Return the ids of ``root_id`` and every unit below it."""
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def ancestors(session: Session, unit_id: int) -> list[Unit]:
    """Return the unit's ancestors from the root down, the unit itself last."""
    chain: list[Unit] = []
    unit = session.get(Unit, unit_id)
    while unit is not None and unit not in chain:
        chain.append(unit)
        unit = unit.parent
    return list(reversed(chain))


def is_within(session: Session, unit_id: int, scope_id: int | None) -> bool:
    """Whether ``unit_id`` lies in the subtree of ``scope_id`` (None = the whole installation)."""
    if scope_id is None:
        return True
    return any(unit.id == scope_id for unit in ancestors(session, unit_id))
