"""Load and faults: simulated kiosks send ratings while gunicorn is SIGKILLed and PostgreSQL restarted.

Run by hand (loopback only, bounded by ``--max-seconds``)::

    .venv/bin/python bench/load_faults.py [--kiosks 200] [--ratings 100000] [--rate 150]
        [--faults app@0.25,pg-fast@0.5,pg-immediate@0.75] [--kill-app-every 120]
        [--restart-pg-every 180] [--workers 3] [--seed 1] [--json result.json]

The script starts its own PostgreSQL 15 cluster (default durability) on a free loopback port,
prepares a database (kiosk questionnaire published, centres with opening hours, one counter and one
paired kiosk each: the first five paired through ``/kiosk/api/pair``, the rest through the same
service), and serves ``survey.web.app:create_app()`` with gunicorn (``--workers`` sync workers).
One thread per kiosk sends its planned ratings like the kiosk's outbox (bench/load_faults_kiosk.py),
with deliberate short timeouts, dropped connections and duplicate sends. Meanwhile the injector
kills gunicorn (master and workers, SIGKILL) and restarts it, and restarts PostgreSQL with
``pg_ctl -m fast`` and ``-m immediate`` (a crash). At the end every stored row is compared with what
was sent (bench/load_faults_check.py). It prints a report and writes the figures as JSON; the exit
status is 0 only when nothing was lost, doubled, altered, half stored or mis-flagged.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
# bench/ holds scripts named like packages (bench/analysis.py): look there last, the checkout first.
sys.path[:] = [str(BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

from load_faults_check import compare, stored_rows
from load_faults_faults import Injector, Schedule
from load_faults_kiosk import Behaviour, Kiosk, Outcome
from load_faults_procs import AppServer, RestartableCluster
from load_faults_world import pair_over_http, plan, prepare
from submit import _machine

PROBLEMS = ("lost", "unexpected", "duplicated", "altered", "partial", "flag_mismatch", "receipt_mismatch",
            "dead_letters")


def run(kiosks: int, ratings: int, rate: float, schedule: Schedule, workers: int = 3, seed: int = 1,
        max_seconds: float = 3600) -> dict[str, Any]:
    """Run the load with its faults and return the result (figures and the comparison)."""
    machine = _machine()
    workdir = Path(tempfile.mkdtemp(prefix="hailong-load-faults."))
    cluster = RestartableCluster()
    app: AppServer | None = None
    cleanup = _cleanup_once(lambda: app, cluster, workdir)
    atexit.register(cleanup)
    try:
        cluster.__enter__()
        devices = prepare(cluster.url, workdir, kiosks)
        app = AppServer(cluster.url, workdir, workers)
        app.start()
        plans = plan(pair_over_http(f"http://127.0.0.1:{app.port}", devices), ratings, seed)
        outcome = Outcome()
        behaviour = Behaviour(rate=rate / kiosks)
        injector = Injector(schedule, app, cluster, lambda: outcome.done / ratings, seed)
        deadline = time.monotonic() + max_seconds
        fleet = [Kiosk(device, app.port, behaviour, outcome, seed * 100_003 + k, deadline)
                 for k, device in enumerate(plans)]
        started = time.monotonic()
        injector.start_time = started
        injector.start()
        for kiosk in fleet:
            kiosk.start()
        for kiosk in fleet:
            kiosk.join(timeout=max(0.0, deadline - time.monotonic()) + 5)
        wall = time.monotonic() - started
        injector.stop.set()
        injector.join(timeout=300)
        if injector.failure is not None:
            raise RuntimeError(f"fault injection failed: {injector.failure!r}") from injector.failure
        app.wait_ready(120)
        report = compare(plans, outcome, stored_rows(cluster.url))
        return {"machine": machine, **_figures(kiosks, ratings, rate, workers, wall, outcome, injector, report)}
    finally:
        cleanup()
        atexit.unregister(cleanup)


def _cleanup_once(app_of, cluster: RestartableCluster, workdir: Path):
    """Return a function that kills gunicorn, stops the cluster and removes the files, once."""
    state = {"done": False}

    def cleanup() -> None:
        if state["done"]:
            return
        state["done"] = True
        app = app_of()
        if app is not None:
            app.kill()
        if getattr(cluster, "base", None) is not None:
            try:
                cluster.__exit__(None, None, None)
            except Exception:  # noqa: BLE001 - a crashed cluster still has its files removed below
                shutil.rmtree(cluster.base, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)

    return cleanup


def _percentiles(values: list[float]) -> dict[str, float | None]:
    """Return p50, p90, p99 and max of milliseconds."""
    if not values:
        return {"p50": None, "p90": None, "p99": None, "max": None}
    array = np.array(values)
    return {"p50": round(float(np.percentile(array, 50)), 1), "p90": round(float(np.percentile(array, 90)), 1),
            "p99": round(float(np.percentile(array, 99)), 1), "max": round(float(array.max()), 1)}


def _figures(kiosks: int, ratings: int, rate: float, workers: int, wall: float, outcome: Outcome,
             injector: Injector, report: dict[str, Any]) -> dict[str, Any]:
    """Gather the run's figures and the comparison into one JSON-ready result."""
    counts = {key: len(report[key]) for key in PROBLEMS}
    faults = injector.settle(outcome.successes)
    return {
        "kiosks": kiosks, "ratings": ratings, "arrival_rate": rate, "gunicorn_workers": workers,
        "wall_s": round(wall, 1), "final": outcome.done,
        "throughput_per_s": round(outcome.done / wall, 1),
        "request_ms": _percentiles(outcome.request_ms), "rating_ms": _percentiles(outcome.rating_ms),
        "requests": dict(outcome.sends), "retries": sum(outcome.attempts.values()) - len(outcome.attempts),
        "retried_ratings": sum(1 for n in outcome.attempts.values() if n > 1),
        "client_errors": dict(outcome.errors), "resends": report["resends"], "faults": faults,
        "errors_outside_faults": _outside(outcome.error_times, faults, injector.start_time),
        "stored": report["stored"], "sent": report["sent"], "unfinished": report["unfinished"],
        "counts": counts, "examples": {key: report[key][:5] for key in PROBLEMS if report[key]},
        "ok": not any(counts.values()) and outcome.done == ratings and report["resends"]["wrong_replies"] == 0,
    }


def _outside(error_times: list[tuple[float, str]], faults: list[dict], start: float) -> dict[str, int]:
    """Count the client errors, other than the deliberate ones, seen outside every fault window."""
    windows = [(f["began_s"], f["first_success_after_s"] or float("inf")) for f in faults]
    outside: dict[str, int] = {}
    for at, kind in error_times:
        if "on purpose" not in kind and not any(b <= at - start <= e for b, e in windows):
            outside[kind] = outside.get(kind, 0) + 1
    return outside


def print_report(result: dict[str, Any]) -> None:
    """Print the figures of a run as Markdown."""
    print(f"machine: {result['machine']}")
    print(f"\n{result['kiosks']} kiosks, {result['ratings']:,} ratings (arrival {result['arrival_rate']}/s), "
          f"gunicorn {result['gunicorn_workers']} workers: {result['final']:,} final in {result['wall_s']} s, "
          f"{result['throughput_per_s']} ratings/s\n")
    print("| latency (ms) | p50 | p90 | p99 | max |\n|---|---|---|---|---|")
    for key, label in (("request_ms", "one request"), ("rating_ms", "rating queued → final receipt")):
        p = result[key]
        print(f"| {label} | {p['p50']} | {p['p90']} | {p['p99']} | {p['max']} |")
    print(f"\nrequests: {result['requests']}; retries: {result['retries']:,} "
          f"({result['retried_ratings']:,} ratings sent more than once)")
    print(f"deliberate duplicate sends: {result['resends']}")
    print(f"client errors: {result['client_errors']}")
    print(f"client errors outside the fault windows: {result['errors_outside_faults']}\n")
    print("| fault | began (s) | restart took (s) | downtime seen by clients (s) |\n|---|---|---|---|")
    for fault in result["faults"]:
        print(f"| {fault['kind']} | {fault['began_s']} | {fault['restart_took_s']} | {fault['downtime_s']} |")
    print(f"\nplanned {result['sent']:,}, stored {result['stored']:,}, unfinished {result['unfinished']:,}; " + ", ".join(
        f"{key} {value}" for key, value in result["counts"].items()))
    print("RESULT:", "OK" if result["ok"] else f"FAILED {result.get('examples')}")


def main() -> None:
    """Parse the arguments, run, print the report and write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=150.0, help="ratings per second arriving, all kiosks")
    parser.add_argument("--faults", default="app@0.25,pg-fast@0.5,pg-immediate@0.75",
                        help="faults at progress fractions: app, pg-fast, pg-immediate")
    parser.add_argument("--kill-app-every", type=float, help="also SIGKILL gunicorn about every S seconds")
    parser.add_argument("--restart-pg-every", type=float, help="also restart PostgreSQL about every S seconds")
    parser.add_argument("--app-down", type=float, default=1.0, help="seconds between SIGKILL and restart")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--json", type=Path, default=Path("load_faults.json"))
    args = parser.parse_args()
    # A background job ignores SIGINT and SIGTERM ends it without cleanup: turn both into an exit
    # that runs the finally blocks, which kill gunicorn and stop the cluster.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    schedule = Schedule.parse(args.faults, app_every=args.kill_app_every, pg_every=args.restart_pg_every,
                              app_down=args.app_down)
    result = run(args.kiosks, args.ratings, args.rate, schedule, args.workers, args.seed, args.max_seconds)
    result["command"] = " ".join(sys.argv)
    print_report(result)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\nJSON: {args.json}")
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
