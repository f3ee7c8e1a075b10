"""Kiosk and QR ratings next to household interviews for the same units and period.

The kiosk figure is the share of ratings of 4 or 5; the household figure is the share of respondents
satisfied on the overall satisfaction item (the SIPAS questionnaire's ``overall_item`` alternative),
the same question asked of a probability sample. A large, statistically clear gap is a warning sign:
self-selected raters (or gaming at the kiosk) may not speak for the users of the service.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.comparisons import Comparison, compare_independent
from analysis.estimate import Estimate
from survey.db.organisation import Unit
from survey.services.reporting.cells import Cell
from survey.services.reporting.estimates import estimate_groups
from survey.services.reporting.filters import NON_PROBABILITY, Filters, Window
from survey.services.reporting.structure import alternative_structure, load_structure
from survey.services.reporting.tables import sort_key

#: A gap of at least this many percentage points, if statistically clear, raises a warning.
LARGE_GAP = 10.0
HOUSEHOLD_ALTERNATIVE = "overall_item"
WARNING_TEXT = (
    "Chênh lệch lớn giữa đánh giá tại quầy và khảo sát hộ gia đình: cần xem xét / "
    "large gap between counter ratings and the household survey: look into it"
)


@dataclass(frozen=True)
class GapRow:
    """One unit: kiosk share satisfied, household share satisfied (both in percent) and the gap."""

    unit: Unit
    kiosk: Cell | None
    household: Cell | None
    gap: Comparison | None

    @property
    def warning(self) -> bool:
        """Whether the gap is large and statistically clear."""
        if self.gap is None:
            return False
        difference = self.gap.difference
        return abs(difference.estimate) >= LARGE_GAP and (difference.ci_low > 0 or difference.ci_high < 0)


def _percent(estimate: Estimate) -> Estimate:
    """Return a share as a percent 'index' estimate so that it compares with a household index."""
    return replace(estimate, statistic="index", estimate=estimate.estimate * 100, se=estimate.se * 100,
                   ci_low=estimate.ci_low * 100, ci_high=estimate.ci_high * 100)


def kiosk_vs_household(session: Session, unit_id: int, window: Window,
                       service_id: int | None = None) -> list[GapRow]:
    """Return the chosen unit, then its children, with both figures and the gap between them."""
    kiosk_structure = load_structure(session, "kiosk")
    household_structure = alternative_structure(session, "sipas", HOUSEHOLD_ALTERNATIVE)
    kiosk = estimate_groups(session, Filters("kiosk", unit_id, window, service_id,
                                             tuple(sorted(NON_PROBABILITY))), "unit", kiosk_structure)
    household = estimate_groups(session, Filters("sipas", unit_id, window, service_id,
                                                 ("interview",)), "unit", household_structure)
    unit = session.get(Unit, unit_id)
    children = sorted(session.scalars(select(Unit).where(Unit.parent_id == unit_id)).all(),
                      key=lambda u: sort_key(u.name_vi))
    rows = [_row(unit, kiosk.total, household.total)]
    for child in children:
        rows.append(_row(child, kiosk.groups.get(child.id, {}), household.groups.get(child.id, {})))
    return rows


def _row(unit: Unit, kiosk: dict, household: dict) -> GapRow:
    """Compare the two figures of one unit when neither is suppressed."""
    kiosk_cell = Cell(_percent(next(iter(kiosk.values())))) if kiosk else None
    household_cell = Cell(next(iter(household.values()))) if household else None
    gap = None
    if kiosk_cell and household_cell and not kiosk_cell.suppressed and not household_cell.suppressed:
        gap = compare_independent(kiosk_cell.estimate, household_cell.estimate)
    return GapRow(unit, kiosk_cell, household_cell, gap)
