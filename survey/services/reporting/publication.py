"""Results a unit manager publishes (công khai): aggregates only, suppressed below the reliability rule.

A public result is the unit's overall index with its interval and its rank among the units that share
its parent. Nothing from an individual response (answers, comments, phone numbers) is ever read here:
only estimates built from counts and scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.organisation import Unit
from survey.db.targets import PublishedResult
from survey.domain.periods import Period
from survey.services import audit
from survey.services.reporting.cells import Cell
from survey.services.reporting.estimates import estimate_groups
from survey.services.reporting.filters import Filters, Window
from survey.services.reporting.judging import channels_for
from survey.services.reporting.league import league
from survey.services.reporting.structure import INDEX_KINDS, IndexKind, load_structure
from survey.services.reporting.tables import cells_of


@dataclass(frozen=True)
class PublicResult:
    """One published index: its cell (None without data), rank and group among the sibling units."""

    kind: IndexKind
    cell: Cell | None
    rank: int | None
    ranked: int
    group_text: str | None
    rule: str


def publish(session: Session, index: str, unit_id: int, period: str, by: int | None = None) -> None:
    """Publish an index of a unit for a period (publishing twice changes nothing)."""
    code = Period.parse(period).code()
    if index not in INDEX_KINDS:
        raise ValueError(f"unknown index {index!r}")
    if _find(session, index, unit_id, code) is None:
        session.add(PublishedResult(index_code=index, unit_id=unit_id, period=code, published_by=by))
        session.flush()
        audit.record(session, "publication.publish", "publication", f"{index}:{code}", unit_id=unit_id,
                     details={"index": index, "period": code})


def unpublish(session: Session, index: str, unit_id: int, period: str) -> None:
    """Withdraw a published index."""
    row = _find(session, index, unit_id, Period.parse(period).code())
    if row is not None:
        audit.record(session, "publication.unpublish", "publication", f"{row.index_code}:{row.period}",
                     unit_id=unit_id, details={"index": row.index_code, "period": row.period})
        session.delete(row)
        session.flush()


def published_indices(session: Session, unit_id: int, period: str) -> list[str]:
    """Return the codes of the indices published for a unit and period, in the menu's order."""
    codes = set(session.scalars(select(PublishedResult.index_code).where(
        PublishedResult.unit_id == unit_id, PublishedResult.period == period)))
    return [code for code in INDEX_KINDS if code in codes]


def public_results(session: Session, unit: Unit, period: Period) -> list[PublicResult]:
    """Return the published indices of ``unit`` for ``period`` with their ranks among siblings.

    A unit without a parent (a province) is shown without a rank.
    """
    results = []
    window = Window(period.start, period.end, period)
    for index in published_indices(session, unit.id, period.code()):
        filters = Filters(index, unit.id, window, channels=channels_for(index))
        if unit.parent_id is None:
            structure = load_structure(session, index)
            total = estimate_groups(session, filters, None, structure).total
            cell = cells_of(structure, total).get(structure.nodes[0])
            results.append(PublicResult(structure.kind, cell, None, 0, None, ""))
            continue
        table = league(session, filters, unit.parent_id)
        entry = next(e for e in table.entries if e.unit.id == unit.id)
        place = entry.place
        results.append(PublicResult(
            table.structure.kind, entry.cell, place.rank if place else None,
            len(table.ranking.units), entry.group_text if place else None, table.ranking.rule,
        ))
    return results


def _find(session: Session, index: str, unit_id: int, code: str) -> PublishedResult | None:
    """Return the publication row, or None."""
    return session.scalars(select(PublishedResult).where(
        PublishedResult.index_code == index, PublishedResult.unit_id == unit_id,
        PublishedResult.period == code)).first()
