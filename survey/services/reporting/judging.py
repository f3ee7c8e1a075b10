"""Judge stored targets against the current estimates (the targets page and the report summary)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.db.organisation import Unit
from survey.db.targets import Target
from survey.domain.periods import Period
from survey.services.reporting.cells import Cell
from survey.services.reporting.estimates import estimate_groups
from survey.services.reporting.filters import CHANNELS, NON_PROBABILITY, Filters, Window
from survey.services.reporting.league import league, ranking_name
from survey.services.reporting.structure import INDEX_KINDS, NoQuestionnaire, load_structure
from survey.services.reporting.tables import cells_of
from survey.services.reporting.targets import Verdict, verdict


@dataclass(frozen=True)
class Judged:
    """A target, its unit, the estimate it is judged on and the verdict."""

    target: Target
    unit: Unit
    cell: Cell | None
    verdict: Verdict


def channels_for(index: str) -> tuple[str, ...]:
    """Return the channels an index is judged on: ratings for the kiosk index, all others otherwise."""
    return tuple(sorted(NON_PROBABILITY)) if INDEX_KINDS[index].rating else CHANNELS


def judge(session: Session, target: Target) -> Judged:
    """Return the verdict of one target on the estimate of its unit and period."""
    unit = session.get(Unit, target.unit_id)
    period = Period.parse(target.period)
    filters = Filters(target.index_code, unit.id, Window(period.start, period.end, period),
                      channels=channels_for(target.index_code))
    try:
        structure = load_structure(session, target.index_code)
    except NoQuestionnaire:
        return Judged(target, unit, None, Verdict("unclear", ""))
    if target.kind == "rank" and unit.parent_id is not None:
        table = league(session, filters, unit.parent_id)
        entry = next(e for e in table.entries if e.unit.id == unit.id)
        return Judged(target, unit, entry.cell,
                      verdict(target, entry.cell, table.ranking, ranking_name(unit)))
    total = estimate_groups(session, filters, None, structure).total
    cell = cells_of(structure, total).get(structure.nodes[0])
    return Judged(target, unit, cell, verdict(target, cell))
