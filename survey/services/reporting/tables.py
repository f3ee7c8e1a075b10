"""The drill-down table: the chosen unit, then its child units (or, at a counter, its services)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.organisation import Service, Unit
from survey.services.reporting.cells import Cell
from survey.services.reporting.coverage import coverage_by_row
from survey.services.reporting.estimates import Groups, estimate_groups
from survey.services.reporting.filters import Filters, Window
from survey.services.reporting.notes import notes_for
from survey.services.reporting.reach import LEVELS
from survey.services.reporting.structure import IndexStructure, load_structure
from survey.services.units import subtree_ids
from survey.services.volumes import Coverage

NO_SERVICE = -1
DIRECT = "tại chính đơn vị và đơn vị cũ đã sáp nhập / at the unit itself and merged predecessors"


@dataclass(frozen=True)
class Row:
    """One line of the table: a unit or a service, its cells per index node, its coverage."""

    key: int
    label: str
    cells: dict[str, Cell]
    coverage: Coverage | None = None
    drill_code: str | None = None


@dataclass(frozen=True)
class Table:
    """The chosen unit's total row and one row per child unit or service."""

    filters: Filters
    structure: IndexStructure
    unit: Unit
    by: str
    total: Row
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    #: Whether the figures rest on kiosk or QR ratings (not a probability sample).
    non_probability: bool = False


def sort_key(text: str) -> str:
    """Sort Vietnamese names in Python, accents after their base letter (collations differ by engine)."""
    return unicodedata.normalize("NFD", text.casefold()).replace("đ", "d~")


def cells_of(structure: IndexStructure, estimates: dict) -> dict[str, Cell]:
    """Wrap the estimates of every node as display cells."""
    kind = structure.kind
    return {node: Cell(estimate, kind.display_scale, kind.decimals) for node, estimate in estimates.items()}


def units_below(session: Session, unit: Unit, level: str | None,
                window: Window | None = None) -> list[Unit]:
    """Return the units a table has rows for: the unit's children, or its units at ``level``.

    With a window, units that did not exist during it (``valid_from``/``valid_to``) are left out,
    so rankings use the units of the period shown.
    """
    if level is None:
        found = list(session.scalars(select(Unit).where(Unit.parent_id == unit.id)))
    else:
        inside = subtree_ids(session, unit.id)
        found = [candidate for candidate in session.scalars(
            select(Unit).where(Unit.kind.in_(LEVELS[level]))) if candidate.id in inside]
    if window is None:
        return found
    return [candidate for candidate in found
            if (candidate.valid_from is None or candidate.valid_from < window.end)
            and (candidate.valid_to is None or candidate.valid_to >= window.start)]


def drill_table(session: Session, filters: Filters, by: str | None = None) -> Table:
    """Return the table for the filters' unit: its children, or its services when it has none.

    With ``filters.level`` the rows are the units of that level below the unit (every counter of a
    province, say). ``by='service'`` asks for the services even when the unit has children.
    """
    structure = load_structure(session, filters.index)
    unit = session.get(Unit, filters.unit_id)
    children = units_below(session, unit, filters.level, filters.window)
    by = by or ("unit" if children else "service")
    groups = estimate_groups(session, filters, by, structure)
    covered = coverage_by_row(session, filters, groups.reach, by) if structure.kind.rating else None
    codes = {child.id: child.code for child in children}
    total = Row(unit.id, unit.name_vi, cells_of(structure, groups.total), _pick(covered, "total"))
    rows = [
        Row(key, label, cells_of(structure, groups.groups.get(key, {})), _pick(covered, key),
            codes.get(key) if by == "unit" else None)
        for key, label in _labels(session, unit, children, groups, by)
    ]
    rows.sort(key=lambda row: (row.key == unit.id, sort_key(row.label)))
    non_probability = filters.non_probability and groups.non_probability
    return Table(filters, structure, unit, by, total, tuple(rows),
                 notes_for(filters, structure, groups.weighting, non_probability), non_probability)


def _labels(session, unit, children, groups: Groups, by) -> list[tuple[int, str]]:
    """Return (key, name) for every row unit (with data or not) or every service with data."""
    if by == "unit":
        if groups.level is not None:
            return [(child.id, unit_label(child)) for child in children]
        labels = [(child.id, child.name_vi) for child in children]
        if unit.id in groups.groups:
            labels.append((unit.id, f"{unit.name_vi}: {DIRECT}"))
        return labels
    names = dict(session.execute(select(Service.id, Service.name_vi).where(
        Service.id.in_([key for key in groups.groups if key != NO_SERVICE]))).all())
    return [(key, names.get(key, "Không ghi thủ tục / no service recorded")) for key in groups.groups]


def unit_label(unit: Unit) -> str:
    """Return a unit's name with its parent's, so that 'Quầy 1' of two centres can be told apart."""
    return f"{unit.name_vi} · {unit.parent.name_vi}" if unit.parent is not None else unit.name_vi


def _pick(covered: dict | None, key) -> Coverage | None:
    """Return the coverage of one row (zero when nothing was rated or processed), None if not shown."""
    if covered is None:
        return None
    return covered.get(key, Coverage(0, 0))
