"""The hook through which household-survey data gives exports their design columns.

Exports always carry ``weight``, ``strata``, ``psu`` and ``fpc``. Kiosk, QR and web ratings have no
sampling design, so the columns stay empty until the household-survey module registers a source with
:func:`register_design_source`: a function that, given a session and a batch of response ids, returns
the design of those it knows (interviews of a drawn sample) as :class:`DesignValues`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class DesignValues:
    """A response's final weight, stratum, primary sampling unit and finite population correction."""

    weight: float | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: float | None = None

    def as_tuple(self) -> tuple:
        """Return the values in the order of the export's design columns."""
        return (self.weight, self.strata, self.psu, self.fpc)


DesignSource = Callable[[Session, Sequence[int]], Mapping[int, DesignValues]]
EMPTY = DesignValues()
_sources: list[DesignSource] = []


def register_design_source(source: DesignSource) -> None:
    """Add a source of design values (the household-survey module calls this from create_app)."""
    if source not in _sources:
        _sources.append(source)


def unregister_design_source(source: DesignSource) -> None:
    """Remove a source registered before."""
    if source in _sources:
        _sources.remove(source)


def design_values(session: Session, response_ids: Sequence[int]) -> dict[int, DesignValues]:
    """Return the design values the registered sources know for ``response_ids``."""
    found: dict[int, DesignValues] = {}
    for source in _sources:
        found.update(source(session, response_ids))
    return found
