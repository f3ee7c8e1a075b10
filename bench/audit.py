"""Time the audit log's reading paths on a large log, on SQLite and PostgreSQL.

Run by hand (not a test)::

    .venv/bin/python bench/audit.py [--entries 200000] [--postgres URL]

The data: one province of 100 communes and ``--entries`` audit entries spread over a year, across all
action codes and communes, bulk-inserted (appending is the only write the log allows). Timed through
``survey.services.audit_log`` exactly as /admin/audit and ``hailong audit list`` call it: the first page
for an administrator, the first page for a commune manager (scope), one action over a month, the last
page, and the whole log as CSV. Wall-clock seconds, best of three after a warm-up. Also times
``audit.record`` added to a transaction (the cost an audited action pays). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from survey.db import migrate
from survey.db.audit import AuditEntry
from survey.db.engine import make_engine
from survey.db.organisation import Unit
from survey.services import audit, audit_log

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def build(engine, entries: int) -> dict[str, int]:
    """Create the units and the entries; return unit ids by code."""
    with Session(engine) as session:
        province = Unit(code="P", kind="province", name_vi="Tỉnh")
        communes = [Unit(code=f"C{i:03d}", kind="commune", name_vi=f"Xã {i}", parent=province)
                    for i in range(100)]
        session.add_all([province, *communes])
        session.commit()
        ids = {u.code: u.id for u in [province, *communes]}
    rng, actions = random.Random(1), sorted(audit.ACTIONS)
    rows = [{"at": START + dt.timedelta(seconds=rng.randrange(365 * 86400)), "actor_kind": "user",
             "actor_user_id": rng.randrange(1, 300), "actor_name": f"user{rng.randrange(300)}",
             "action": rng.choice(actions), "target_type": "x", "target_id": str(i),
             "unit_id": ids[f"C{rng.randrange(100):03d}"], "details": '{"rows": 10}'}
            for i in range(entries)]
    rows.sort(key=lambda row: row["at"])
    with engine.begin() as connection:
        for first in range(0, entries, 20000):
            connection.execute(insert(AuditEntry), rows[first:first + 20000])
    return ids


def best(function, repeat: int = 3) -> float:
    """Return the best wall-clock time of ``function`` after one warm-up run."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(engine, ids: dict[str, int]) -> list[tuple[str, float]]:
    """Time the reading paths and the cost of recording."""
    month = audit_log.AuditFilter("export.responses", since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31))
    with Session(engine) as session:
        cases = [
            ("first page, administrator", lambda: audit_log.page_of(session, audit_log.AuditFilter(), None)),
            ("first page, commune manager", lambda: audit_log.page_of(session, audit_log.AuditFilter(),
                                                                      ids["C042"])),
            ("one action in one month", lambda: audit_log.page_of(session, month, None)),
            ("last page, administrator", lambda: audit_log.page_of(session, audit_log.AuditFilter(), None,
                                                                   page=10**9)),
            ("whole log as CSV", lambda: audit_log.write_csv(session, audit_log.AuditFilter(), None,
                                                             io.StringIO())),
        ]
        timings = [(name, best(function)) for name, function in cases]

    def record_1000() -> None:
        with Session(engine) as session:
            for i in range(1000):
                audit.record(session, "target.set", "target", i, unit_id=ids["C001"], details={"index": "kiosk"})
            session.flush()
            session.rollback()

    timings.append(("record() x 1000 in one transaction (flushed)", best(record_1000)))
    return timings


def main() -> None:
    """Build the log on SQLite (and PostgreSQL with --postgres) and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL (its schema is dropped)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        urls = {"SQLite": f"sqlite:///{folder}/audit.db"}
        if args.postgres:
            urls["PostgreSQL"] = args.postgres
        for engine_name, url in urls.items():
            engine = make_engine(url)
            if engine.dialect.name == "postgresql":
                with engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            migrate.upgrade(engine)
            ids = build(engine, args.entries)
            results[engine_name] = measure(engine, ids)
            engine.dispose()
    names = list(results)
    print(f"| {args.entries:,} audit entries | " + " | ".join(f"{n} (s)" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for row, (label, _) in enumerate(results[names[0]]):
        print(f"| {label} | " + " | ".join(f"{results[n][row][1]:.3f}" for n in names) + " |")


if __name__ == "__main__":
    main()
