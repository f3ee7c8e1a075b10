"""A year of kiosk ratings and the transaction counts they come from.

Transactions per centre, service and open day are Poisson with a mean that varies by commune (its
size), service (its share of dossiers) and weekday (Monday busiest, Saturday mornings only, closed on
Sundays and public holidays). Each transaction ends in a kiosk rating with the commune's coverage
probability. A rating's face follows an ordered logit whose location depends on the commune (a few
clearly better or worse, one improving over the year) and on the service (land and construction
rate lower); ratings of 3 or less say what went wrong, and a few ask for a call-back.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

import numpy as np

from survey.demo.province import Place
from survey.demo.services import SERVICES
from survey.demo.submitting import Outgoing
from survey.domain.periods import LOCAL_ZONE
from survey.services.volumes import VolumeRow

TARGET_RATINGS = 50_000
DAYS = 365
WEEKDAY_FACTOR = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.45, 0.0])  # Monday .. Sunday
# Days the centres close for public holidays (New Year, Tết, Hùng Kings, 30/4-1/5, National Day).
HOLIDAYS = frozenset(
    dt.date.fromisoformat(day) for day in (
        "2025-01-01", "2025-01-25", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30",
        "2025-01-31", "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01",
        "2025-09-02", "2026-01-01", "2026-02-14", "2026-02-16", "2026-02-17", "2026-02-18",
        "2026-02-19", "2026-02-20", "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01",
        "2026-09-02", "2027-01-01", "2027-02-04", "2027-02-05", "2027-02-06", "2027-02-08",
        "2027-02-09", "2027-02-10",
    )
)
# Half-hour slots of the opening hours (minutes after midnight) and how busy each is: a morning peak.
MORNING = [(450 + 30 * i, w) for i, w in enumerate((0.6, 1.0, 1.3, 1.4, 1.3, 1.1, 0.9, 0.6))]
AFTERNOON = [(810 + 30 * i, w) for i, w in enumerate((0.5, 0.8, 0.9, 0.9, 0.8, 0.6, 0.4))]
# Ordered logit: P(face <= k) = logistic(CUTPOINTS[k-1] - location); location 1.2 gives ~77 % satisfied.
CUTPOINTS = np.array([-2.2, -1.2, 0.0, 1.8])
BASE_LOCATION = 1.2
PROBLEM_ELEMENTS = ("access", "procedures", "staff", "result", "feedback")
PROBLEM_WEIGHTS = np.array([0.15, 0.35, 0.25, 0.15, 0.10])
COMMENTS = (
    "Phải chờ lâu, không có số thứ tự.",
    "Cán bộ hướng dẫn chưa rõ, phải đi lại nhiều lần.",
    "Hồ sơ bị trả muộn so với giấy hẹn.",
    "Yêu cầu thêm giấy tờ không có trong danh mục niêm yết.",
    "Phòng chờ nóng, thiếu ghế ngồi.",
    "Máy lấy số bị hỏng.",
    "Kết quả có sai sót, phải làm lại.",
)
CALLBACK_YES = {1: 0.2, 2: 0.2, 3: 0.04, 4: 0.005, 5: 0.005}
# Share of ratings sent with the dossier code by the one-stop system, and of second ratings of a dossier.
WITH_REFERENCE = 0.8
SECOND_RATING = 0.002


@dataclass(frozen=True)
class RatingPlan:
    """The generated ratings (in time order) and the transaction counts to import."""

    outgoing: list[Outgoing]
    volumes: list[VolumeRow]


def plan(places: list[Place], kiosk_tokens: dict[str, str], today: dt.date, scale: float,
         rng: np.random.Generator) -> RatingPlan:
    """Generate about ``TARGET_RATINGS * scale`` ratings over the DAYS days ending ``today``."""
    days = [today - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    day_factor = np.array([0.0 if d in HOLIDAYS else WEEKDAY_FACTOR[d.weekday()] for d in days])
    volume = np.array([p.spec.volume for p in places])
    coverage = np.array([p.spec.coverage for p in places])
    share = np.array([s.share for s in SERVICES])
    weight = day_factor[:, None, None] * volume[None, :, None] * share[None, None, :]
    base = TARGET_RATINGS * scale / float((weight * coverage[None, :, None]).sum())
    transactions = rng.poisson(base * weight)
    ratings = rng.binomial(transactions, coverage[None, :, None])
    volumes = [
        VolumeRow(n, places[c].centre_code, SERVICES[s].code, days[d], int(transactions[d, c, s]))
        for n, (d, c, s) in enumerate(zip(*np.nonzero(transactions)), start=1)
    ]
    outgoing = _ratings(places, kiosk_tokens, days, transactions, ratings, rng)
    return RatingPlan(sorted(outgoing, key=lambda o: o.payload["submitted_at"]), volumes)


def _ratings(places, kiosk_tokens, days, transactions, ratings, rng) -> list[Outgoing]:
    """Turn the counts of ratings per (day, commune, service) into payloads."""
    d, c, s = (np.repeat(axis, ratings.ravel()) for axis in np.indices(ratings.shape).reshape(3, -1))
    n = len(d)
    # Dossier numbers within (day, commune): services in catalogue order, ratings the first dossiers.
    offsets = np.cumsum(transactions, axis=2) - transactions
    first = np.cumsum(ratings.ravel()) - ratings.ravel()
    within = np.arange(n) - np.repeat(first, ratings.ravel())
    sequence = offsets[d, c, s] + within + 1
    minutes = _minutes(np.array([days[i].weekday() == 5 for i in d], dtype=bool), rng)
    trend = np.array([p.spec.trend for p in places])[c] * (d / (len(days) - 1) - 0.5)
    location = (BASE_LOCATION + np.array([p.spec.quality for p in places])[c] + trend
                + np.array([sv.effect for sv in SERVICES])[s])
    faces = 1 + (location[:, None] + rng.logistic(size=n)[:, None] > CUTPOINTS[None, :]).sum(axis=1)
    counters = (rng.random(n) * np.array([len(p.counter_codes) for p in places])[c]).astype(int)
    with_reference = rng.random(n) < WITH_REFERENCE
    bits = random.Random(int(rng.integers(2**62)))
    outgoing = []
    for i in range(n):
        place = places[c[i]]
        day = days[d[i]]
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_ZONE)
        moment = midnight + dt.timedelta(seconds=int(minutes[i] * 60))
        reference = (f"000.00.{place.spec.code}.{day:%y%m%d}-{sequence[i]:04d}"
                     if with_reference[i] else None)
        counter = place.counter_codes[counters[i]]
        outgoing.append(_outgoing(bits, rng, counter, kiosk_tokens[counter], SERVICES[s[i]].code,
                                  reference, moment, int(faces[i])))
        if reference and rng.random() < SECOND_RATING:
            later = moment + dt.timedelta(seconds=int(rng.integers(60, 180)))
            outgoing.append(_outgoing(bits, rng, counter, kiosk_tokens[counter], SERVICES[s[i]].code,
                                      reference, later, int(rng.integers(1, 6))))
    return outgoing


def _minutes(saturday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw minutes after local midnight: a half-hour slot by its weight, then uniformly within it."""
    out = np.empty(len(saturday))
    for is_saturday, slots in ((False, MORNING + AFTERNOON), (True, MORNING)):
        mask = saturday == is_saturday
        starts = np.array([start for start, _ in slots], dtype=float)
        weights = np.array([w for _, w in slots])
        picks = rng.choice(len(slots), size=int(mask.sum()), p=weights / weights.sum())
        out[mask] = starts[picks] + rng.random(int(mask.sum())) * 30
    return out


def _outgoing(bits: random.Random, rng: np.random.Generator, counter: str, token: str, service: str,
              reference: str | None, moment: dt.datetime, face: int) -> Outgoing:
    """Build one kiosk payload submitted at ``moment`` (local time) and received seconds later."""
    payload = {
        "uuid": str(uuid.UUID(int=bits.getrandbits(128), version=4)),
        "questionnaire": {"code": "kiosk", "version": "2026.1"},
        "channel": "kiosk",
        "unit": counter,
        "service": service,
        "started_at": (moment - dt.timedelta(seconds=int(rng.integers(4, 40)))).isoformat(),
        "submitted_at": moment.isoformat(),
        "answers": _answers(rng, face),
    }
    if reference is not None:
        payload["transaction_ref"] = reference
    received = moment.astimezone(dt.UTC) + dt.timedelta(seconds=int(rng.integers(1, 6)))
    return Outgoing(payload, token, received)


def _answers(rng: np.random.Generator, face: int) -> dict:
    """Answer the kiosk form for a citizen who chose ``face``."""
    answers: dict = {"overall_rating": face}
    if face <= 3:
        count = 1 + int(rng.random() < 0.35)
        picked = rng.choice(len(PROBLEM_ELEMENTS), size=count, replace=False, p=PROBLEM_WEIGHTS)
        answers["problem_elements"] = [PROBLEM_ELEMENTS[i] for i in sorted(picked)]
        if rng.random() < 0.25:
            answers["comment"] = COMMENTS[int(rng.integers(len(COMMENTS)))]
    draw = rng.random()
    if draw < CALLBACK_YES[face]:
        answers["callback_consent"] = "yes"
        # Vietnamese mobile numbers: 0, a network digit 3/5/7/8/9, then eight digits.
        prefix = "35789"[int(rng.integers(5))]
        answers["phone"] = "0" + prefix + "".join(str(x) for x in rng.integers(0, 10, size=8))
    elif draw < 0.3:
        answers["callback_consent"] = "no"
    return answers
