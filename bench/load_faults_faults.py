"""The fault injector of a load-and-fault run: SIGKILL gunicorn, restart PostgreSQL, note the windows.

Faults come from a schedule by progress (``app@0.3`` = kill the app server once 30 % of the ratings
are final) and from periods (``every`` seconds, each gap drawn between half and one and a half
times the period). One fault runs at a time. Each window records when the fault began, how long
the kill-and-restart or ``pg_ctl restart`` took, and when a client next had a final answer.
"""

from __future__ import annotations

import bisect
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from load_faults_procs import AppServer, RestartableCluster

KINDS = ("app", "pg-fast", "pg-immediate")


@dataclass
class Window:
    """One fault: what, when it began and ended (seconds since the run's start)."""

    kind: str
    began: float
    restarted: float
    recovered: float | None = None


@dataclass
class Schedule:
    """When to inject faults: at progress fractions, and every so many seconds per kind."""

    at_progress: list[tuple[str, float]] = field(default_factory=list)
    app_every: float | None = None
    pg_every: float | None = None
    app_down: float = 1.0

    @classmethod
    def parse(cls, text: str, **kwargs) -> Schedule:
        """Read ``kind@fraction,...`` (kinds: app, pg-fast, pg-immediate)."""
        points = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            kind, _, fraction = part.partition("@")
            if kind not in KINDS:
                raise ValueError(f"unknown fault {kind!r}; use one of {', '.join(KINDS)}")
            points.append((kind, float(fraction)))
        return cls(sorted(points, key=lambda point: point[1]), **kwargs)


class Injector(threading.Thread):
    """Inject the scheduled faults while the run lasts."""

    def __init__(self, schedule: Schedule, app: AppServer, cluster: RestartableCluster,
                 progress: Callable[[], float], seed: int) -> None:
        super().__init__(daemon=True)
        self.schedule, self.app, self.cluster, self.progress = schedule, app, cluster, progress
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.windows: list[Window] = []
        self.failure: BaseException | None = None
        self.start_time = time.monotonic()

    def run(self) -> None:
        """Fire faults when due, until stopped; remember the first exception."""
        points = list(self.schedule.at_progress)
        due = {"app": self._next(self.schedule.app_every), "pg": self._next(self.schedule.pg_every)}
        pg_modes = ["pg-fast", "pg-immediate"]
        try:
            while not self.stop.wait(0.2):
                now = time.monotonic()
                if points and self.progress() >= points[0][1]:
                    self._inject(points.pop(0)[0])
                elif due["app"] is not None and now >= due["app"]:
                    self._inject("app")
                    due["app"] = self._next(self.schedule.app_every)
                elif due["pg"] is not None and now >= due["pg"]:
                    self._inject(pg_modes[len([w for w in self.windows if w.kind != "app"]) % 2])
                    due["pg"] = self._next(self.schedule.pg_every)
        except BaseException as error:  # noqa: BLE001 - reported by the run, which then fails
            self.failure = error

    def _next(self, every: float | None) -> float | None:
        """Return when the next periodic fault of a kind is due."""
        return None if every is None else time.monotonic() + every * self.rng.uniform(0.5, 1.5)

    def _inject(self, kind: str) -> None:
        """Kill and restart the app server, or restart PostgreSQL; record the window."""
        began = time.monotonic()
        if kind == "app":
            self.app.kill()
            time.sleep(self.schedule.app_down)
            self.app.start()
        else:
            self.cluster.restart(kind.removeprefix("pg-"))
        self.windows.append(Window(kind, began - self.start_time, time.monotonic() - self.start_time))

    def settle(self, successes: list[float]) -> list[dict]:
        """Fill in each window's recovery (the first final answer a client got after the fault began)."""
        ordered = sorted(successes)
        rows = []
        for window in self.windows:
            index = bisect.bisect_right(ordered, window.restarted + self.start_time)
            if index < len(ordered):
                window.recovered = ordered[index] - self.start_time
            rows.append({
                "kind": window.kind, "began_s": round(window.began, 2),
                "restart_took_s": round(window.restarted - window.began, 2),
                "first_success_after_s": None if window.recovered is None else round(window.recovered, 2),
                "downtime_s": None if window.recovered is None else round(window.recovered - window.began, 2),
            })
        return rows
