"""Build the demo installation once (timed, deterministic for a seed) and recognise it afterwards."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.demo import accounts, households, province, ratings, sample, services
from survey.demo.submitting import submit_all
from survey.domain.periods import local_date
from survey.services import accounts as accounts_service
from survey.services import credentials, questionnaires, units
from survey.services.volumes import ImportResult, import_rows

DEFAULT_SEED = 20250701
SAMPLE_STREAM = 6  # the household sample draws from its own stream of the seed
TEAM_ENUMERATOR = "dieutra"  # the demo account whose tablets interview, one per commune
# Every response goes through submission.submit, about 0.7 ms of CPU per kiosk rating on the 2-CPU
# development machine (docs/benchmarks.md): the full volume (scale 1, about 50,000 ratings) builds in
# about 45 s of CPU. `hailong demo --scale 0.1` (or DEMO_SCALE = 0.1) builds a tenth of it.
DEFAULT_SCALE = 1.0


class DemoStateError(RuntimeError):
    """The database holds demo data that this build cannot reuse or add to."""


@dataclass
class BuildReport:
    """What a build stored and how long each step took (seconds)."""

    volumes: ImportResult | None = None
    ratings: Counter = field(default_factory=Counter)
    interviews: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Return a short summary for the console."""
        total = sum(self.seconds.values())
        steps = ", ".join(f"{name} {secs:.1f} s" for name, secs in self.seconds.items())
        return [
            f"  {self.volumes.inserted} transaction-volume rows (unit, service, day)",
            f"  kiosk ratings: {_statuses(self.ratings)}",
            f"  household interviews: {_statuses(self.interviews)}",
            f"  built in {total:.1f} s ({steps})",
        ]


def _statuses(tally: Counter) -> str:
    """Format receipt statuses and flags."""
    return ", ".join(f"{count} {name}" for name, count in sorted(tally.items()))


def state(session: Session) -> str:
    """Return 'absent', 'partial' (an interrupted build) or 'complete'."""
    if units.by_code(session, province.PROVINCE_CODE) is None:
        return "absent"
    admin = accounts_service.get_by_username(session, accounts.ADMIN_USERNAME)
    return "complete" if admin is not None else "partial"


def _reporter(progress, step: str):
    """Bind ``step`` to a progress callback (or return None without one)."""
    return None if progress is None else lambda done, total: progress(step, done, total)


@contextmanager
def _step(report: BuildReport, name: str) -> Iterator[None]:
    """Time one step of the build."""
    started = time.perf_counter()
    yield
    report.seconds[name] = time.perf_counter() - started


def build(session_factory: Callable[[], Session], *, scale: float = 1.0, seed: int = DEFAULT_SEED,
          today: dt.date | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
    """Create the demo province, catalogue, staff and a year of data ending ``today`` (Vietnam).

    The kiosk and papi questionnaires must be published. ``scale`` multiplies the numbers of
    ratings and of interviews per village (1.0: about 50,000 ratings and 20 interviews per village).
    ``progress(step, done, total)`` reports the submissions as they are stored.
    """
    rng = np.random.default_rng(seed)
    today = today or local_date(utcnow())
    report = BuildReport()
    with _step(report, "organisation"), session_factory() as session, session.begin():
        if state(session) != "absent":
            raise DemoStateError("the database already holds demo units (code MH)")
        _, papi = questionnaires.get(session, "papi", "2026.1")
        _, places = province.build(session)
        services.build(session)
        staff = accounts.build_staff(session)
        kiosk_tokens = {
            code: credentials.issue(session, "kiosk_device", f"Kiosk {code}", counter_id).token
            for place in places for code, counter_id in zip(place.counter_codes, place.counter_ids)
        }
        sampled = sample.build(session, places, households.per_village(scale), TEAM_ENUMERATOR,
                               np.random.default_rng([seed, SAMPLE_STREAM]))
        team_tokens = {
            place.spec.code: credentials.issue(
                session, "enumerator_device", f"Máy tính bảng đội khảo sát {place.spec.name_vi}",
                place.unit_id, user_id=staff[TEAM_ENUMERATOR],
            ).token
            for place in places
        }
    with _step(report, "plan"):
        rating_plan = ratings.plan(places, kiosk_tokens, today, scale, rng)
        interviews, outcomes = households.plan(papi, sampled, team_tokens, today, scale, rng)
    with _step(report, "volumes"), session_factory() as session, session.begin():
        report.volumes = import_rows(session, rating_plan.volumes, source="demo", today=today)
    with _step(report, "ratings"):
        report.ratings = submit_all(session_factory, rating_plan.outgoing, _reporter(progress, "ratings"))
    with _step(report, "interviews"):
        report.interviews = submit_all(session_factory, interviews, _reporter(progress, "interviews"))
    with _step(report, "weights"), session_factory() as session, session.begin():
        sample.finish(session, outcomes)
    with _step(report, "admin"), session_factory() as session, session.begin():
        accounts.build_admin(session)
    return report
