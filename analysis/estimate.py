"""The result of one design-based estimate, as plain data."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Estimate:
    """One estimate with its standard error, interval and reliability information.

    ``df`` is the design degrees of freedom used for the interval (``inf`` for a normal interval);
    ``n`` the unweighted number of rows in the domain with a non-missing value; ``n_eff`` the
    effective sample size (see docs/methodology.md, "Intervals"); ``deff`` the design effect as R
    ``survey`` computes it, against simple random sampling without replacement from the estimated
    population size.
    """

    statistic: str
    target: str
    domain: dict | None
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: float
    n: int
    n_eff: float
    deff: float
    level: float = 0.95
    method: str = "t"
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Return the fields as JSON-ready values (nan and infinities become None)."""
        out = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[field.name] = value
        return out
