"""Trends: the index over consecutive periods, each change tested against the period before."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from analysis.comparisons import Comparison, compare_independent
from survey.services.reporting.cells import Cell
from survey.services.reporting.estimates import estimate_groups
from survey.services.reporting.filters import Filters, Window
from survey.services.reporting.structure import IndexStructure, load_structure

#: Two-sided significance level of "statistically clear" changes (the 95 % interval excludes 0).
ALPHA = 0.05


@dataclass(frozen=True)
class TrendPoint:
    """One period: its estimate, and the change from the period before with its test."""

    window: Window
    cell: Cell | None
    change: Comparison | None

    @property
    def clear(self) -> bool | None:
        """Whether the change is statistically clear (None when there is no change to test)."""
        if self.change is None or self.change.p_value != self.change.p_value:
            return None
        return self.change.p_value < ALPHA

    def change_text(self) -> str:
        """Return the change on the display scale with its interval, or '' without one."""
        if self.change is None or self.cell is None:
            return ""
        difference = self.change.difference
        scale = self.cell.scale
        number = self.cell.number
        sign = "+" if difference.estimate >= 0 else "−"
        return (f"{sign}{number(abs(difference.estimate) * scale)} "
                f"({number(difference.ci_low * scale)}; {number(difference.ci_high * scale)})")


def windows_before(window: Window, count: int) -> list[Window]:
    """Return ``count`` consecutive windows ending with ``window``, oldest first."""
    windows = [window]
    while len(windows) < count:
        windows.append(windows[-1].previous())
    return list(reversed(windows))


def trend(session: Session, filters: Filters, count: int = 4,
          structure: IndexStructure | None = None, node: str | None = None) -> list[TrendPoint]:
    """Return the chosen unit's estimate over ``count`` periods ending with the filters' window.

    Consecutive periods are independent samples (separate survey rounds, separate ratings), so each
    change is compared as independent estimates (analysis.comparisons.compare_independent: z for
    ratings, Welch-Satterthwaite t for survey indices). Changes whose estimates are suppressed are
    not tested.
    """
    structure = structure or load_structure(session, filters.index)
    node = node or structure.nodes[0]
    kind = structure.kind
    points, previous = [], None
    for window in windows_before(filters.window, count):
        estimates = estimate_groups(session, filters.with_window(window), None, structure).total
        cell = Cell(estimates[node], kind.display_scale, kind.decimals) if node in estimates else None
        if cell is not None and cell.suppressed:
            change = None
        elif cell is not None and previous is not None and not previous.suppressed:
            change = compare_independent(cell.estimate, previous.estimate)
        else:
            change = None
        points.append(TrendPoint(window, cell, change))
        previous = cell
    return points
