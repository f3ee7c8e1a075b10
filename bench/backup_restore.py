"""Time the backup and restore scripts of docs/deploy.md on a demo database, and check the copy is identical.

Run by hand (not a test)::

    .venv/bin/python bench/backup_restore.py --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch \
        [--scale 0.2]

The PostgreSQL database named by the URL is WIPED (schema public dropped); the user must be allowed to
create databases. The script builds the demo province at ``--scale`` in that database and in a SQLite
file, runs hailong-backup / hailong-restore (PostgreSQL) and hailong-backup-sqlite /
hailong-restore-sqlite exactly as printed in docs/deploy.md, compares every table's row count and
checksum between original and copy, and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

# The script's own folder (sys.path[0]) holds bench/analysis.py, which would shadow the analysis package;
# the docs' scripts and the fingerprint come from the tests instead.
sys.path[0] = str(Path(__file__).resolve().parents[1] / "tests" / "reliability")

from backup_scripts import PG_BIN, fingerprint, run_script, write_scripts

from survey.cli import cli
from survey.db import migrate
from survey.db.engine import make_engine
from survey.web.app import create_app


def build_demo(url: str, scale: float) -> float:
    """Build the demo at ``scale`` in the (wiped) database at ``url``; return the seconds it took."""
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    migrate.upgrade(app.extensions["hailong.db"][0])
    result = app.test_cli_runner().invoke(cli, ["demo", "--no-serve", "--scale", str(scale)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    app.extensions["hailong.db"][0].dispose()
    return time.perf_counter() - started


def timed(script: Path, *args: str, env: dict) -> tuple[str, float]:
    """Run a docs script; return its output and the seconds it took."""
    started = time.perf_counter()
    output = run_script(script, *args, env=env)
    return output, time.perf_counter() - started


def postgres_row(url: str, scale: float, folder: Path) -> list[str]:
    """Back up and restore the demo on PostgreSQL; return the table row's cells."""
    build_demo(url, scale)
    parsed = make_url(url)
    restored = parsed.set(database=f"{parsed.database}_restored")
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)')
    with admin.connect() as connection:
        connection.execute(drop)
    scripts = write_scripts(folder)
    env = dict(os.environ, PATH=f"{PG_BIN}:{os.environ['PATH']}", PGHOST=parsed.host or "",
               PGPORT=str(parsed.port or 5432), PGUSER=parsed.username or "postgres", BACKUP_DIR=str(folder),
               DATABASE=parsed.database, OWNER=parsed.username or "postgres")
    try:
        dump, backup_s = timed(scripts["hailong-backup"], env=env)
        _, restore_s = timed(scripts["hailong-restore"], dump, restored.database, env=env)
        original = fingerprint(url)
        same = fingerprint(restored.render_as_string(hide_password=False)) == original
    finally:
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()
    return _cells("PostgreSQL (pg_dump custom)", scale, original, Path(dump).stat().st_size, backup_s, restore_s,
                  same)


def sqlite_row(scale: float, folder: Path) -> list[str]:
    """Back up and restore the demo on SQLite; return the table row's cells."""
    database = folder / "hailong.db"
    url = f"sqlite:///{database}"
    build_demo(url, scale)
    scripts = write_scripts(folder)
    env = dict(os.environ, DATABASE_FILE=str(database), BACKUP_DIR=str(folder))
    backup, backup_s = timed(scripts["hailong-backup-sqlite"], env=env)
    target = folder / "restored.db"
    _, restore_s = timed(scripts["hailong-restore-sqlite"], backup, str(target), env=env)
    original = fingerprint(url)
    same = fingerprint(f"sqlite:///{target}") == original
    return _cells("SQLite (.backup, gzip)", scale, original, Path(backup).stat().st_size, backup_s, restore_s, same)


def _cells(engine: str, scale: float, tables: dict, size: int, backup_s: float, restore_s: float,
           same: bool) -> list[str]:
    """Return one Markdown row's cells."""
    rows = sum(count for count, _ in tables.values())
    return [engine, f"{scale:g}", str(len(tables)), f"{rows:,}", f"{tables['responses'][0]:,}",
            f"{size / 1e6:.1f} MB", f"{backup_s:.1f} s", f"{restore_s:.1f} s", "yes" if same else "**NO**"]


def main() -> None:
    """Parse the arguments, run both engines and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", required=True, help="a PostgreSQL database this script may wipe")
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args()
    header = ["engine", "demo scale", "tables", "rows", "responses", "backup size", "backup", "restore",
              "every table identical"]
    with tempfile.TemporaryDirectory() as folder:
        for name in ("pg", "sqlite"):
            (Path(folder) / name).mkdir()
        rows = [postgres_row(args.postgres_url, args.scale, Path(folder) / "pg"),
                sqlite_row(args.scale, Path(folder) / "sqlite")]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
