"""The league table: the chosen unit's children ranked in four groups, with their targets."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from analysis.ranking import GROUP_TEXT, RankedUnit, Ranking, rank_groups
from survey.db.organisation import Unit
from survey.db.targets import Target
from survey.services.reporting.cells import Cell
from survey.services.reporting.estimates import estimate_groups
from survey.services.reporting.filters import Filters
from survey.services.reporting.structure import IndexStructure, load_structure
from survey.services.reporting.tables import cells_of, sort_key, unit_label, units_below
from survey.services.reporting.targets import Verdict, targets_for, verdict


@dataclass(frozen=True)
class Entry:
    """One unit of the league: its place (None when unranked), cell, target and verdict."""

    unit: Unit
    cell: Cell | None
    place: RankedUnit | None
    target: Target | None
    verdict: Verdict | None

    @property
    def group_text(self) -> str:
        """Return the unit's group in Vietnamese / English, or why it is not ranked."""
        if self.place is not None:
            return GROUP_TEXT[self.place.group]
        return "Không xếp hạng: chưa đủ số liệu tin cậy / not ranked: too little reliable data"


@dataclass(frozen=True)
class League:
    """Ranked units first (rank 1 = best), then unranked units; the grouping rule as text."""

    structure: IndexStructure
    entries: tuple[Entry, ...]
    ranking: Ranking


def ranking_name(unit: Unit) -> str:
    """Return the unique name a unit is ranked under."""
    return f"{unit_label(unit)} ({unit.code})"


def league(session: Session, filters: Filters, parent_id: int | None = None) -> League:
    """Rank the children (or the units at ``filters.level``) of ``parent_id`` (default: the filters'
    unit) on the index's overall node.

    Units whose estimate is suppressed (too few ratings or respondents, see cells.SUPPRESSION_RULE)
    are listed but not ranked: a rank built on an unreliable estimate would mislead.
    """
    structure = load_structure(session, filters.index)
    parent_id = parent_id or filters.unit_id
    units = units_below(session, session.get(Unit, parent_id), filters.level, filters.window)
    groups = estimate_groups(session, replace(filters, unit_id=parent_id), "unit", structure)
    root = structure.nodes[0]
    cells = {unit.id: cells_of(structure, groups.groups.get(unit.id, {})).get(root) for unit in units}
    ranked = [(ranking_name(unit), cells[unit.id].estimate) for unit in units
              if cells[unit.id] is not None and not cells[unit.id].suppressed]
    ranking = rank_groups(ranked)
    places = {place.name: place for place in ranking.units}
    targets = targets_for(session, filters.index, [unit.id for unit in units], filters.window.period)
    entries = []
    for unit in units:
        place = places.get(ranking_name(unit))
        target = targets.get(unit.id)
        judged = verdict(target, cells[unit.id], ranking, ranking_name(unit)) if target else None
        entries.append(Entry(unit, cells[unit.id], place, target, judged))
    entries.sort(key=lambda e: (e.place is None, e.place.rank if e.place else 0, sort_key(e.unit.name_vi)))
    return League(structure, tuple(entries), ranking)
