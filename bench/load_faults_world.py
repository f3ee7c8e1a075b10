"""The world of a load-and-fault run: a migrated database with kiosks paired, and the ratings to send.

Every rating is planned up front (seeded) with the integrity outcome the rules must give it:

- ``normal``: inside opening hours, ten minutes after the device's previous rating: no flag;
- ``outside``: made at night, outside the centre's opening hours: ``outside_opening_hours``;
- ``rapid``: a pair pressed two seconds apart on one device: exactly one of the two gets ``burst``
  (whichever the server stores second);
- ``same_ref``: a pair naming one transaction reference: exactly one is counted, the other is
  flagged ``duplicate_transaction``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAIRING_OVER_HTTP = 5  # the pairing endpoint allows 10 attempts per address in 15 minutes
SLOTS_PER_DAY = 50
HOURS = {day: [["07:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SERVICES = [("1.000894", "ho_tich", "Đăng ký khai sinh"), ("2.000815", "chung_thuc", "Chứng thực bản sao"),
            ("1.001612", "dat_dai", "Đăng ký biến động đất đai")]
ELEMENTS = ["access", "procedures", "staff", "result", "feedback"]
COMMENTS = ["Phải chờ quá lâu.", "Cán bộ hướng dẫn chưa rõ, phải đi lại hai lần.", "Thiếu ghế ngồi chờ 🙁",
            "Wait was too long", "Phí cao hơn niêm yết\nđề nghị xem lại"]
LOCAL = dt.timezone(dt.timedelta(hours=7))


@dataclass
class Device:
    """A paired kiosk: its token, the counter it stands at, and its ratings in the order made."""

    token: str
    unit_code: str
    ratings: list[Rating] = field(default_factory=list)


@dataclass
class Rating:
    """One planned rating: the payload (a fixed body for every sending) and its expected outcome."""

    payload: dict[str, Any]
    kind: str  # normal | outside | rapid | same_ref
    pair: str | None = None  # the uuid of the other rating of a rapid or same_ref pair

    @property
    def uuid(self) -> str:
        """Return the rating's client uuid."""
        return self.payload["uuid"]


def prepare(url: str, workdir: Path, kiosks: int) -> list[tuple[str, str]]:
    """Migrate, publish the kiosk form, create centres, counters and kiosks; return (token, unit) pairs.

    Kiosks are created and paired with the kiosk service, except the first few: for them the pair
    holds the pairing code, to be exchanged over HTTP by ``pair_over_http`` once the server runs.
    """
    import os

    from survey.db import migrate
    from survey.domain.loader import load_file
    from survey.services import kiosks as kiosk_service
    from survey.services import organisation, questionnaires
    from survey.web.app import create_app
    from survey.web.database import engine_of, session_scope

    os.environ["HAILONG_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "load-faults"})
    migrate.upgrade(engine_of(app))
    codes = []
    with session_scope(app) as session:
        q = load_file(ROOT / "questionnaires" / "kiosk" / "2026.1.yaml")
        questionnaires.load(session, q)
        questionnaires.publish(session, q.code, q.version, by="load-faults")
        for code, kind, name in SERVICES:
            organisation.create_service(session, code=code, field=kind, name_vi=name)
        province = organisation.create_unit(session, code="LF", kind="province", name_vi="Tỉnh Thử Tải")
        centres = []
        for c in range(max(1, kiosks // 20)):
            commune = organisation.create_unit(session, code=f"LF{c:02d}", kind="commune",
                                               name_vi=f"Xã Thử {c}", parent_id=province.id)
            centres.append(organisation.create_unit(
                session, code=f"LF{c:02d}-TT", kind="service_centre", name_vi=f"Một cửa xã Thử {c}",
                parent_id=commune.id, opening_hours=HOURS))
        for k in range(kiosks):
            counter = organisation.create_unit(session, code=f"LF-Q{k:03d}", kind="counter",
                                               name_vi=f"Quầy {k}", parent_id=centres[k % len(centres)].id)
            pairing = kiosk_service.create(session, f"Kiosk {k}", counter.id, "2468")
            codes.append((pairing.code, counter.code))
    devices = codes[:PAIRING_OVER_HTTP]
    for code, unit in codes[PAIRING_OVER_HTTP:]:
        with session_scope(app) as session:
            devices.append((kiosk_service.pair(session, code)[1], unit))
    engine_of(app).dispose()
    return devices


def pair_over_http(base_url: str, devices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Exchange the first devices' pairing codes for tokens through the kiosk's pairing endpoint."""
    return [(_pair_over_http(base_url, code), unit) for code, unit in devices[:PAIRING_OVER_HTTP]] + \
        devices[PAIRING_OVER_HTTP:]


def _pair_over_http(base_url: str, code: str) -> str:
    """Exchange a pairing code for a device token through the kiosk's pairing endpoint."""
    import json
    import urllib.request

    request = urllib.request.Request(f"{base_url}/kiosk/api/pair", data=json.dumps({"code": code}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())["token"]


def plan(devices: list[tuple[str, str]], ratings: int, seed: int, special_share: float = 0.02) -> list[Device]:
    """Plan ``ratings`` ratings spread over the devices, with their integrity outcomes."""
    rng = random.Random(seed)
    start = (dt.datetime.now(LOCAL) - dt.timedelta(days=400)).replace(hour=7, minute=30, second=0,
                                                                     microsecond=0)
    plans = [Device(token, unit) for token, unit in devices]
    per_device = [ratings // len(plans) + (1 if k < ratings % len(plans) else 0) for k in range(len(plans))]
    for k, (device, count) in enumerate(zip(plans, per_device)):
        j = 0
        while j < count:
            draw = rng.random()
            slot = start + dt.timedelta(days=j // SLOTS_PER_DAY, minutes=10 * (j % SLOTS_PER_DAY), seconds=k % 60)
            if draw < special_share and j + 1 < count:
                first = _rating(rng, device.unit_code, slot, "rapid")
                second = _rating(rng, device.unit_code, slot + dt.timedelta(seconds=2), "rapid")
                _link(device, first, second)
                j += 2
            elif draw < 2 * special_share and j + 1 < count:
                ref = f"LF-{k:03d}-{j:06d}"
                first = _rating(rng, device.unit_code, slot, "same_ref", ref)
                later = slot + dt.timedelta(minutes=10)
                second = _rating(rng, device.unit_code, later, "same_ref", ref)
                _link(device, first, second)
                j += 2
            elif draw < 3 * special_share:
                night = slot + dt.timedelta(hours=11, minutes=30)  # 19:00 and later, local time
                device.ratings.append(_rating(rng, device.unit_code, night, "outside"))
                j += 1
            else:
                ref = f"LF-{k:03d}-{j:06d}" if rng.random() < 0.5 else None
                device.ratings.append(_rating(rng, device.unit_code, slot, "normal", ref))
                j += 1
    return plans


def _link(device: Device, first: Rating, second: Rating) -> None:
    """Add a pair of ratings that name each other."""
    first.pair, second.pair = second.uuid, first.uuid
    device.ratings += [first, second]


def _rating(rng: random.Random, unit: str, submitted: dt.datetime, kind: str, ref: str | None = None) -> Rating:
    """Return a kiosk rating made at ``submitted`` (local time) with random, valid answers."""
    face = rng.randint(1, 5)
    answers: dict[str, Any] = {"overall_rating": face}
    if face <= 3:
        if rng.random() < 0.8:
            answers["problem_elements"] = rng.sample(ELEMENTS, rng.randint(1, 3))
        if rng.random() < 0.3:
            answers["comment"] = rng.choice(COMMENTS)
    consent = rng.random()
    if consent < 0.05:
        answers["callback_consent"] = "yes"
        answers["phone"] = "09" + "".join(rng.choice("0123456789") for _ in range(8))
    elif consent < 0.2:
        answers["callback_consent"] = "no"
    payload: dict[str, Any] = {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "questionnaire": {"code": "kiosk", "version": "2026.1"}, "channel": "kiosk", "unit": unit,
        "started_at": (submitted - dt.timedelta(seconds=rng.randint(3, 40))).isoformat(),
        "submitted_at": submitted.isoformat(), "answers": answers,
    }
    if rng.random() < 0.7:
        payload["service"] = rng.choice(SERVICES)[0]
    if ref is not None:
        payload["transaction_ref"] = ref
    return Rating(payload, kind)
