"""Coverage per drill-down row in two grouped queries (ratings ÷ transactions processed).

The same definition as survey.services.volumes.coverage (ratings through the kiosk and QR channels
that count, whatever their flags; transactions imported from the one-stop system), computed for every
row at once: GROUP BY unit or service instead of one pair of queries per row.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db.responses import Response
from survey.db.volumes import TransactionVolume
from survey.services.reporting.filters import Filters
from survey.services.reporting.reach import Reach
from survey.services.volumes import RATING_CHANNELS, Coverage

TOTAL = "total"


def coverage_by_row(session: Session, filters: Filters, reach: Reach, by: str) -> dict:
    """Return {row key: Coverage} for child units (``by='unit'``) or services, plus ``'total'``."""
    window = filters.window
    rating_group = Response.unit_id if by == "unit" else Response.service_id
    ratings = select(rating_group, func.count()).where(
        reach.condition(), Response.counted.is_(True), Response.channel.in_(RATING_CHANNELS),
        Response.local_date >= window.start, Response.local_date < window.end,
    ).group_by(rating_group)
    volume_group = TransactionVolume.unit_id if by == "unit" else TransactionVolume.service_id
    volumes = select(volume_group, func.sum(TransactionVolume.processed)).where(
        TransactionVolume.unit_id.in_(sorted(reach.unit_ids)),
        TransactionVolume.day >= window.start, TransactionVolume.day < window.end,
    ).group_by(volume_group)
    if filters.service_id is not None:
        ratings = ratings.where(Response.service_id == filters.service_id)
        volumes = volumes.where(TransactionVolume.service_id == filters.service_id)
    counts: dict = defaultdict(lambda: [0, 0])
    for position, query in enumerate((ratings, volumes)):
        for key, value in session.execute(query):
            row = reach.row_of(key, filters.level) if by == "unit" else (-1 if key is None else key)
            if row is not None:
                counts[row][position] += int(value or 0)
            counts[TOTAL][position] += int(value or 0)
    return {key: Coverage(ratings, transactions) for key, (ratings, transactions) in counts.items()}
