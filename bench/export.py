"""Export 1,000,000 kiosk responses to CSV and XLSX on PostgreSQL: time and peak memory, against COPY.

Run by hand (not a test), against an empty PostgreSQL database that the script wipes::

    bash scripts/postgres.sh start /tmp/pg.env && . /tmp/pg.env
    .venv/bin/python bench/export.py --url "$HAILONG_TEST_POSTGRES_URL" [--responses 1000000]

The data: the bundled kiosk questionnaire, responses spread over ten communes so that commune C01 holds
10 % of them and C02 30 %; answers as the kiosk sends them (a rating, on a low rating the problems
and sometimes a comment, sometimes a call-back answer). Every export runs in a fresh interpreter so its
peak resident memory (``ru_maxrss``) is its own; the baseline is the same interpreter after importing
everything and opening the session, before exporting. PostgreSQL's ``COPY (SELECT ...) TO STDOUT``
writes the same rows and columns (one row per response, answers pivoted) for comparison. Stata is run
on C01 to measure the memory per cell of the in-memory formats.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COMMUNES = 10
SHARES = (0.10, 0.30) + (0.60 / 8,) * 8  # C01, C02, C03..C10
PROBLEMS = ("access", "procedures", "staff", "result", "feedback")


def _setup(url: str, responses: int) -> None:
    """Wipe the database, migrate, publish the kiosk questionnaire and COPY in the responses."""
    from sqlalchemy import text

    from survey.db import migrate
    from survey.db.engine import make_engine, make_session_factory
    from survey.db.organisation import Service, Unit
    from survey.domain.loader import load_file
    from survey.resources import bundled_questionnaire_files
    from survey.services import questionnaires

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh")
        communes = [Unit(code=f"C{n:02d}", kind="commune", name_vi=f"Xã {n}", parent=province)
                    for n in range(1, COMMUNES + 1)]
        session.add_all([province, *communes, Service(code="1.000894", field="ho_tich", name_vi="Khai sinh")])
        kiosk = next(p for p in bundled_questionnaire_files() if p.parent.name == "kiosk")
        questionnaires.load(session, load_file(kiosk))
        version_id = questionnaires.publish(session, "kiosk", "2026.1").id
        session.commit()
        unit_ids = [unit.id for unit in communes]
    raw = engine.raw_connection()
    try:
        _copy_rows(raw.driver_connection, responses, version_id, unit_ids)
    finally:
        raw.close()
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def _copy_rows(connection, responses: int, version_id: int, unit_ids: list[int]) -> None:
    """Generate the responses and answers and load them with COPY."""
    rng = random.Random(20261123)
    start = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    bounds, total = [], 0.0
    for share in SHARES:
        total += share
        bounds.append(total * responses)
    with connection.cursor() as cursor:
        with cursor.copy("COPY responses (id, uuid, payload_hash, questionnaire_version_id, channel, unit_id,"
                         " service_id, submitted_at, received_at, local_date, status, counted, raw_json)"
                         " FROM STDIN") as copy_responses:
            for n in range(1, responses + 1):
                unit = unit_ids[next(i for i, bound in enumerate(bounds) if n <= bound + 0.5)]
                moment = start + timedelta(seconds=n * 25)
                copy_responses.write_row((n, str(uuid.UUID(int=rng.getrandbits(128), version=4)), "0" * 64,
                                          version_id, "kiosk", unit, 1 if n % 2 else None, moment, moment,
                                          (moment + timedelta(hours=7)).date(), "accepted", True, "{}"))
        rng = random.Random(7)
        with cursor.copy("COPY answers (response_id, item_code, seq, value_int, value_text, score)"
                         " FROM STDIN") as copy_answers:
            for n in range(1, responses + 1):
                rating = rng.choices((1, 2, 3, 4, 5), (3, 4, 8, 40, 45))[0]
                copy_answers.write_row((n, "overall_rating", 0, rating, None, float(rating >= 4)))
                if rating <= 3:
                    for seq, code in enumerate(sorted(rng.sample(PROBLEMS, rng.randint(1, 2)),
                                                      key=PROBLEMS.index)):
                        copy_answers.write_row((n, "problem_elements", seq, None, code, None))
                    if rng.random() < 0.3:
                        copy_answers.write_row((n, "comment", 0, None, "Chờ lâu, cần thêm hướng dẫn", None))
                if rng.random() < 0.2:
                    copy_answers.write_row((n, "callback_consent", 0, None, rng.choice(("yes", "no")), None))
    connection.commit()


def _measure(url: str, file_format: str, unit: str, path: str) -> dict:
    """Export in this interpreter; return seconds, rows, bytes and memory (run in a subprocess)."""
    from survey.db.engine import make_engine, make_session_factory
    from survey.services.exports import ExportRequest, layout_for, resolve_unit
    from survey.services.exports_files import write_export

    if file_format in ("dta", "sav"):
        import pandas  # noqa: F401  (imported before the baseline, like the other modules)
        import pyreadstat  # noqa: F401
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        request = ExportRequest("kiosk", resolve_unit(session, unit, None))
        columns = len(layout_for(session, "kiosk").columns)
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        began, cpu = time.perf_counter(), time.process_time()
        rows = write_export(session, request, file_format, path)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"format": file_format, "unit": unit, "rows": rows, "columns": columns,
            "seconds": seconds, "cpu_seconds": cpu, "bytes": Path(path).stat().st_size,
            "baseline_mb": baseline / 1024, "peak_mb": peak / 1024}


def layout_for_columns(url: str) -> list[str]:
    """Return the export's column names."""
    from survey.db.engine import make_engine, make_session_factory
    from survey.services.exports import layout_for

    with make_session_factory(make_engine(url))() as session:
        return layout_for(session, "kiosk").names


COPY_SQL = """
COPY (
  SELECT r.uuid, v.version AS questionnaire_version, r.channel, r.link_kind, u.code AS unit,
         s.code AS service, r.local_date,
         to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00' AS submitted_at,
         r.status, r.counted::int AS counted,
         (SELECT string_agg(f.flag, ' ' ORDER BY f.flag) FROM response_flags f WHERE f.response_id = r.id)
           AS flags,
         NULL AS weight, NULL AS strata, NULL AS psu, NULL AS fpc,
         max(a.value_int) FILTER (WHERE a.item_code = 'overall_rating') AS overall_rating,
         string_agg(a.value_text, ' ' ORDER BY a.seq) FILTER (WHERE a.item_code = 'problem_elements')
           AS problem_elements,
         {options},
         max(a.value_text) FILTER (WHERE a.item_code = 'comment') AS comment,
         max(a.value_text) FILTER (WHERE a.item_code = 'callback_consent') AS callback_consent
  FROM responses r
  JOIN questionnaire_versions v ON v.id = r.questionnaire_version_id
  JOIN units u ON u.id = r.unit_id
  LEFT JOIN services s ON s.id = r.service_id
  LEFT JOIN answers a ON a.response_id = r.id
  GROUP BY r.id, v.version, u.code, s.code
  ORDER BY r.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def _copy_to(url: str, path: str) -> dict:
    """Time PostgreSQL's COPY of the same rows and columns to a file (the client writes the bytes)."""
    import psycopg

    options = ",\n         ".join(
        f"CASE WHEN bool_or(a.item_code = 'problem_elements') THEN "
        f"bool_or(a.item_code = 'problem_elements' AND a.value_text = '{code}')::int END "
        f"AS problem_elements__{code}" for code in PROBLEMS)
    began = time.perf_counter()
    with (psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection,
          connection.cursor() as cursor, open(path, "wb") as handle,
          cursor.copy(COPY_SQL.format(options=options)) as copy):
        handle.writelines(copy)
    seconds = time.perf_counter() - began
    with open(path, "rb") as handle:
        rows = sum(1 for _ in handle) - 1
    return {"format": "COPY csv", "unit": "P01", "rows": rows, "seconds": seconds,
            "bytes": Path(path).stat().st_size,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_measure(url: str, file_format: str, unit: str, folder: Path) -> dict:
    """Run one export in a fresh interpreter and return its measurements."""
    path = folder / f"{unit}.{file_format}"
    output = subprocess.run(
        [sys.executable, __file__, "--url", url, "--measure", file_format, "--unit", unit, "--path", str(path)],
        check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Set up the data, run the exports, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--measure", choices=("csv", "xlsx", "dta", "sav"))
    parser.add_argument("--unit", default="P01")
    parser.add_argument("--path")
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.url, args.measure, args.unit, args.path)))
        return
    if not args.skip_setup:
        began = time.perf_counter()
        _setup(args.url, args.responses)
        print(f"loaded {args.responses} responses in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory(prefix="hailong-bench-export-") as folder:
        for file_format, unit in (("csv", "C01"), ("csv", "C02"), ("csv", "P01"), ("xlsx", "C01"),
                                  ("xlsx", "P01"), ("dta", "C01"), ("dta", "C02")):
            results.append(_run_measure(args.url, file_format, unit, Path(folder)))
            print(json.dumps(results[-1]), file=sys.stderr)
        results.append(_copy_to(args.url, str(Path(folder) / "copy.csv")))
    print("| export | rows | wall s | client CPU s | rows/s (wall) | file MB | peak RSS MB | baseline RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['format']} ({r['unit']}) | {r['rows']:,} | {r['seconds']:.1f} | "
              f"{r.get('cpu_seconds', float('nan')):.1f} | {r['rows'] / r['seconds']:,.0f} | "
              f"{r['bytes'] / 2**20:.1f} | {r['peak_mb']:.0f} | {r.get('baseline_mb', float('nan')):.0f} |")
    print(f"_columns: {len(layout_for_columns(args.url))}; {date.today().isoformat()}_")


if __name__ == "__main__":
    main()
