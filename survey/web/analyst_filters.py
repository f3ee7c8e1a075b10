"""Read the analyst pages' filter form (GET parameters) into reporting Filters, within the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import abort, request
from sqlalchemy import select

from survey.db.base import utcnow
from survey.db.organisation import Service, Unit
from survey.domain.periods import Period, local_date
from survey.services.reporting.filters import CHANNEL_TEXT, CHANNELS, FilterError, Filters, Window
from survey.services.reporting.reach import LEVEL_TEXT, LEVELS
from survey.services.reporting.structure import INDEX_KINDS
from survey.services.reporting.tables import sort_key, unit_label
from survey.services.units import ancestors, by_code, is_within
from survey.web.auth import scope_unit_id
from survey.web.database import request_session


@dataclass(frozen=True)
class FilterForm:
    """The chosen filters, the unit's path from the scope root, and the form's options."""

    filters: Filters
    unit: Unit
    path: list[Unit]
    services: list[Service]
    units: list[Unit]
    period_text: str
    error: str | None = None

    def query(self, **changes) -> str:
        """Return the query string of these filters with ``changes`` applied."""
        values = {
            "index": self.filters.index, "unit": self.unit.code, "period": self.period_text,
            "channel": list(self.filters.channels),
            "flagged": "include" if self.filters.include_flagged else "exclude",
            "level": self.filters.level,
        }
        if self.filters.service_id is not None:
            values["service"] = next(s.code for s in self.services if s.id == self.filters.service_id)
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")}, doseq=True)


def default_period(today: dt.date | None = None) -> str:
    """Return the current quarter's code."""
    return Period.containing(today or local_date(utcnow()), "quarter").code()


def _root_units(session) -> list[Unit]:
    """Return the units the user may start from: their scope unit, or every top-level unit."""
    scope = scope_unit_id()
    if scope is not None:
        return [session.get(Unit, scope)]
    roots = session.scalars(select(Unit).where(Unit.parent_id.is_(None))).all()
    return sorted(roots, key=lambda unit: sort_key(unit.name_vi))


def read_filters(index_default: str = "kiosk") -> FilterForm:
    """Return the filters of the request; 404 for a unit outside the user's scope."""
    session = request_session()
    args = request.args
    roots = _root_units(session)
    if not roots:
        abort(404)
    unit = by_code(session, args.get("unit", "")) if args.get("unit") else roots[0]
    if unit is None or not is_within(session, unit.id, scope_unit_id()):
        abort(404)
    index = args.get("index", index_default)
    if index not in INDEX_KINDS:
        index = index_default
    services = sorted(session.scalars(select(Service)).all(), key=lambda s: sort_key(s.name_vi))
    service = next((s for s in services if s.code == args.get("service")), None)
    channels = tuple(c for c in args.getlist("channel") if c in CHANNELS) or CHANNELS
    period_text = args.get("period") or default_period()
    error = None
    try:
        window = Window.parse(period_text)
    except FilterError as problem:
        error, period_text = str(problem), default_period()
        window = Window.parse(period_text)
    level = args.get("level") if args.get("level") in LEVELS else None
    filters = Filters(index, unit.id, window, service.id if service else None, channels,
                      args.get("flagged", "include") != "exclude", level)
    path = [u for u in ancestors(session, unit.id) if is_within(session, u.id, scope_unit_id())]
    return FilterForm(filters, unit, path, services, roots, period_text, error)


def options() -> dict:
    """Return the choices the filter form offers."""
    return {"index_kinds": INDEX_KINDS, "channel_text": CHANNEL_TEXT, "channels": CHANNELS,
            "level_text": LEVEL_TEXT, "unit_label": unit_label}
