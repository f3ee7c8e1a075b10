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
    """One counter's poster: the unit, the names of the places above it, its link and QR code."""

    unit: Unit
    places: tuple[str, ...]
    url: str
    qr_svg_base64: str  # scaled to QR_WIDTH_MM by the template through its viewBox
    expires_at: dt.datetime

    @property
    def valid_until(self) -> dt.date:
        """Return the last day (Viet Nam time) the link works on."""
        return local_date(self.expires_at - dt.timedelta(seconds=1))


def poster_units(session: Session, unit_id: int) -> list[Unit]:
    """Return the counters in the unit's subtree, or the unit itself when it has none."""
    if session.get(Unit, unit_id) is None:
        raise qrlinks.LinkError("unit", "Không có đơn vị này.", "No such unit.")
    counters = [unit for unit in organisation.units_in(session, unit_id) if unit.kind == "counter"]
    return counters or [session.get(Unit, unit_id)]


def make_poster(
    session: Session, keyring: qrlinks.Keyring, settings: qrlinks.LinkSettings, unit: Unit,
    base_url: str, *, questionnaire: str = "kiosk", now: dt.datetime,
) -> Poster:
    """Sign a poster link for ``unit`` and draw its QR code."""
    issued = qrlinks.issue_poster_link(
        session, keyring, settings, unit_id=unit.id, questionnaire=questionnaire, now=now,
    )
    url = base_url.rstrip("/") + issued.path
    places = tuple(u.name_vi for u in units.ancestors(session, unit.id)[:-1])
    svg = qrimages.svg(qrimages.content(url), 1.0)
    return Poster(unit, places, url, base64.b64encode(svg.encode("utf-8")).decode("ascii"), issued.claims.expires_at)


def posters_pdf(
    session: Session, keyring: qrlinks.Keyring, settings: qrlinks.LinkSettings, unit_id: int,
    base_url: str, *, questionnaire: str = "kiosk", now: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """Return the A4 PDF of the posters of every counter of a unit, and how many there are."""
    writer = PdfWriter()
    targets = poster_units(session, unit_id)
    for unit in targets:
        poster = make_poster(session, keyring, settings, unit, base_url, questionnaire=questionnaire, now=now)
        writer.append(io.BytesIO(render(TEMPLATE, {"poster": poster, "qr_width_mm": QR_WIDTH_MM})))
        if progress is not None:
            progress(1)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(targets)
