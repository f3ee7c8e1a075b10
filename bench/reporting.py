"""Time the analyst pages' computations on millions of kiosk ratings, on SQLite and PostgreSQL.

Run by hand (not a test)::

    .venv/bin/python bench/reporting.py [--ratings 2000000] [--communes 100] [--postgres URL]

The data: one province, ``--communes`` communes, each with a service centre and three counters, two
services, and ``--ratings`` kiosk and QR ratings spread over 2025-Q4 and 2026-Q1, loaded with bulk
inserts (COPY on PostgreSQL), after which the daily rating counts are rebuilt from them (the submission
service keeps them up to date; a bulk load bypasses it). Each computation runs through the reporting services exactly as the
pages call them: the province table (SQL GROUP BY unit and rating, then one Wilson interval per
commune), the same at a counter (by service), the league table, a four-quarter trend and the report's
tables. Timings are wall-clock seconds, best of ``--repeat`` runs after one warm-up. Prints a Markdown
table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.orm import Session

from survey.db import migrate
from survey.db.engine import make_engine
from survey.db.organisation import Service, Unit
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import questionnaires
from survey.services.reporting import daily
from survey.services.reporting.filters import Filters, Window
from survey.services.reporting.league import league
from survey.services.reporting.tables import drill_table
from survey.services.reporting.trends import trend

CHUNK = 50_000
FIRST_DAY = dt.date(2025, 10, 1)
DAYS = 182


def build_units(session: Session, communes: int) -> tuple[int, list[int], int, list[int]]:
    """Create the unit tree, two services and the kiosk questionnaire; return ids."""
    province = Unit(code="P", kind="province", name_vi="Tỉnh Đo Thời Gian")
    session.add(province)
    counters = []
    for number in range(communes):
        commune = Unit(code=f"C{number:03d}", kind="commune", name_vi=f"Xã số {number}", parent=province)
        centre = Unit(code=f"C{number:03d}-TT", kind="service_centre", name_vi="Trung tâm", parent=commune)
        rows = [Unit(code=f"C{number:03d}-Q{q}", kind="counter", name_vi=f"Quầy {q}", parent=centre)
                for q in (1, 2, 3)]
        session.add_all([commune, centre, *rows])
        counters.extend(rows)
    services = [Service(code=f"S{i}", field="ho_tich", name_vi=f"Thủ tục {i}") for i in (1, 2)]
    session.add_all(services)
    path = next(p for p in bundled_questionnaire_files() if p.parent.name == "kiosk")
    questionnaires.load(session, load_file(path))
    version = questionnaires.publish(session, "kiosk", path.stem).id
    session.flush()
    return province.id, [c.id for c in counters], version, [s.id for s in services]


def generate(count: int, counters: list[int], services: list[int], seed: int = 1):
    """Return the columns of ``count`` synthetic ratings."""
    rng = np.random.default_rng(seed)
    unit = rng.choice(np.array(counters), count)
    quality = 0.55 + 0.4 * rng.random(len(counters))
    share = dict(zip(counters, quality))
    good = rng.random(count) < np.vectorize(share.get)(unit)
    rating = np.where(good, rng.integers(4, 6, count), rng.integers(1, 4, count))
    day = rng.integers(0, DAYS, count)
    channel = rng.integers(0, 3, count)
    service = rng.choice(np.array(services), count)
    return unit, rating, day, channel, service


def load_rows(engine, version: int, columns) -> None:
    """Insert responses and answers in bulk (COPY on PostgreSQL, executemany on SQLite)."""
    unit, rating, day, channel, service = columns
    names = ("kiosk", "qr", "qr")
    kinds = (None, "transaction", "poster")
    base = dt.datetime(2025, 10, 1, 3, 0, tzinfo=dt.UTC)
    if engine.dialect.name == "postgresql":
        _copy(engine, version, columns, names, kinds)
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # Bulk load: indexes are dropped first and built once at the end (sorted, not row by row).
        cursor.execute("PRAGMA cache_size = -1000000")
        indexes = cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                 " AND tbl_name IN ('responses', 'answers')").fetchall()
        for (ddl,) in indexes:
            cursor.execute(f"DROP INDEX {ddl.split('INDEX', 1)[1].split()[0]}")
        for start in range(0, len(unit), CHUNK):
            stop = min(start + CHUNK, len(unit))
            responses, answers = [], []
            for i in range(start, stop):
                local = FIRST_DAY + dt.timedelta(days=int(day[i]))
                moment = (base + dt.timedelta(days=int(day[i]))).strftime("%Y-%m-%d %H:%M:%S.000000")
                responses.append((i + 1, f"{i + 1:036d}", "0" * 64, version, names[channel[i]],
                                  kinds[channel[i]], int(unit[i]), int(service[i]), moment, moment,
                                  local.isoformat(), "accepted", 1, "{}"))
                answers.append((i + 1, "overall_rating", 0, int(rating[i]), float(rating[i] >= 4)))
            cursor.executemany(
                "INSERT INTO responses (id, uuid, payload_hash, questionnaire_version_id, channel,"
                " link_kind, unit_id, service_id, submitted_at, received_at, local_date, status,"
                " counted, raw_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", responses)
            cursor.executemany("INSERT INTO answers (response_id, item_code, seq, value_int, score)"
                               " VALUES (?, ?, ?, ?, ?)", answers)
        raw.commit()
        for (ddl,) in indexes:
            cursor.execute(ddl)
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _copy(engine, version, columns, names, kinds) -> None:
    """Load the rows with PostgreSQL's COPY."""
    unit, rating, day, channel, service = columns
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, len(unit), CHUNK * 4):
            stop = min(start + CHUNK * 4, len(unit))
            buffer = io.StringIO()
            for i in range(start, stop):
                local = FIRST_DAY + dt.timedelta(days=int(day[i]))
                kind = kinds[channel[i]] or "\\N"
                buffer.write(f"{i + 1}\t{i + 1:036d}\t{'0' * 64}\t{version}\t{names[channel[i]]}\t{kind}\t"
                             f"{unit[i]}\t{service[i]}\t{local} 03:00:00+00\t{local} 03:00:00+00\t"
                             f"{local}\taccepted\tt\t{{}}\n")
            with cursor.copy("COPY responses (id, uuid, payload_hash, questionnaire_version_id, channel,"
                             " link_kind, unit_id, service_id, submitted_at, received_at, local_date,"
                             " status, counted, raw_json) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            buffer = io.StringIO()
            for i in range(start, stop):
                buffer.write(f"{i + 1}\toverall_rating\t0\t{rating[i]}\t{float(rating[i] >= 4)}\n")
            with cursor.copy("COPY answers (response_id, item_code, seq, value_int, score) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()
    # VACUUM sets the visibility map (as autovacuum would in a running system) so that index-only
    # scans are possible; it cannot run inside a transaction.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE responses"))
        connection.execute(text("VACUUM ANALYZE answers"))


def best(function, repeat: int) -> float:
    """Return the best wall-clock time of ``function`` over ``repeat`` runs after a warm-up."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Load the data on each engine and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=2_000_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database (schema is dropped)")
    args = parser.parse_args()
    urls = {"SQLite": f"sqlite:///{tempfile.mkdtemp()}/bench.db"}
    if args.postgres:
        urls["PostgreSQL"] = args.postgres
    print(f"{args.ratings:,} ratings, {args.communes} communes x 3 counters, 2 services, 2 quarters\n")
    print("| engine | load (s) | daily counts rebuild (s) | province table | counter by service | league |"
          " trend (4 quarters) |")
    print("|---|---|---|---|---|---|---|")
    for name, url in urls.items():
        print(run(name, url, args))


def run(name: str, url: str, args) -> str:
    """Load the data on one engine, time the computations and return the table row."""
    engine = make_engine(url)
    if name == "PostgreSQL":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with Session(engine) as session:
        province, counters, version, services = build_units(session, args.communes)
        session.commit()
    start = time.perf_counter()
    load_rows(engine, version, generate(args.ratings, counters, services))
    loaded = time.perf_counter() - start
    # The bulk load bypassed the submission service, which keeps the daily counts: compute them once.
    start = time.perf_counter()
    with Session(engine) as session:
        cells = daily.rebuild(session)
        session.commit()
    rebuilt = time.perf_counter() - start
    window = Window.parse("2026-Q1")
    with Session(engine) as session:
        province_filters = Filters("kiosk", province, window)
        counter_filters = Filters("kiosk", counters[0], window)
        timings = [
            best(lambda: drill_table(session, province_filters), args.repeat),
            best(lambda: drill_table(session, counter_filters), args.repeat),
            best(lambda: league(session, province_filters), args.repeat),
            best(lambda: trend(session, province_filters, 4), args.repeat),
        ]
        table = drill_table(session, province_filters)
        assert table.total.cells["kiosk"].n > 0.45 * args.ratings
    engine.dispose()
    return (f"| {name} | {loaded:.0f} | {rebuilt:.1f} ({cells:,} rows) | "
            + " | ".join(f"{t:.2f}" for t in timings) + " |")


if __name__ == "__main__":
    main()
