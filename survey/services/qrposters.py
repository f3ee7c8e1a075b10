"""Counter posters: an A4 page per counter with a multi-use QR link and short vi/en instructions.

Each poster is rendered on its own (survey.services.pdf, the one PDF library) and the pages are joined
with pypdf, so a progress bar can follow the posters one by one.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfWriter
from sqlalchemy.orm import Session

from survey.db.organisation import Unit
from survey.domain.periods import local_date
from survey.services import organisation, qrimages, qrlinks, units
from survey.services.pdf import render

TEMPLATE = "qr/poster.html"
QR_WIDTH_MM = 120  # read from two metres away, and by old phone cameras from one


@dataclass(frozen=True)
class Poster:
    """One counter's poster: its unit, the names of the places above it, its link and QR code.

    Plain values only, so the posters can be rendered after the database transaction has ended
    (rendering takes about a second a page; on SQLite an open transaction holds the write lock).
    """

    unit_code: str
    unit_name: tuple[str, str | None]
    places: tuple[str, ...]
    url: str
    qr_svg_base64: str  # scaled to QR_WIDTH_MM by the template through its viewBox
    expires_at: dt.datetime

    @property
    def valid_until(self) -> dt.date:
        """Return the last day (Viet Nam time) the link works on."""
        return local_date(self.expires_at - dt.timedelta(seconds=1))


def posters_for(
    session: Session, keyring: qrlinks.Keyring, settings: qrlinks.LinkSettings, unit_id: int,
    base_url: str, *, questionnaire: str = "kiosk", now: dt.datetime,
) -> list[Poster]:
    """Sign a poster link for every counter in the unit's subtree, or for the unit if it has none."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise qrlinks.LinkError("unit", "Không có đơn vị này.", "No such unit.")
    counters = [u for u in organisation.units_in(session, unit_id) if u.kind == "counter"]
    return [
        _poster(session, keyring, settings, target, base_url, questionnaire, now)
        for target in counters or [unit]
    ]


def render_posters(posters: list[Poster], progress: Callable[[int], None] | None = None) -> bytes:
    """Return the A4 PDF of the posters, one page each, reporting each rendered page to ``progress``."""
    writer = PdfWriter()
    for poster in posters:
        writer.append(io.BytesIO(render(TEMPLATE, {"poster": poster, "qr_width_mm": QR_WIDTH_MM})))
        if progress is not None:
            progress(1)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _poster(
    session: Session, keyring: qrlinks.Keyring, settings: qrlinks.LinkSettings, unit: Unit,
    base_url: str, questionnaire: str, now: dt.datetime,
) -> Poster:
    """Sign a poster link for ``unit`` and draw its QR code."""
    issued = qrlinks.issue_poster_link(
        session, keyring, settings, unit_id=unit.id, questionnaire=questionnaire, now=now,
    )
    url = base_url.rstrip("/") + issued.path
    places = tuple(u.name_vi for u in units.ancestors(session, unit.id)[:-1])
    svg = qrimages.svg(qrimages.content(url), 1.0).encode("utf-8")
    return Poster(
        unit.code, (unit.name_vi, unit.name_en), places, url, base64.b64encode(svg).decode("ascii"),
        issued.claims.expires_at,
    )
