"""The backup and restore scripts of docs/deploy.md, run exactly as printed there on a demo database."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pytest
from backup_scripts import PG_BIN, fingerprint, run_script, write_scripts
from sqlalchemy import text
from sqlalchemy.engine import make_url

from survey.cli import cli
from survey.db import migrate
from survey.db.engine import make_engine
from survey.demo.province import PROVINCE_CODE
from survey.services.reporting.estimates import estimate_groups
from survey.services.reporting.filters import Filters, Window
from survey.services.units import by_code
from survey.web.app import create_app

DEMO_SCALE = "0.01"


def _demo(runner) -> None:
    """Build a small demo province in the app's database."""
    result = runner.invoke(cli, ["demo", "--no-serve", "--scale", DEMO_SCALE])
    assert result.exit_code == 0, result.output


def _served_and_estimated(url: str) -> tuple[int, str]:
    """Ask /readyz of an app on ``url`` and estimate the province's kiosk index over all time."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    ready = app.test_client().get("/readyz")
    assert (ready.status_code, ready.json["revision"]) == (200, migrate.head())
    with app.extensions["hailong.db"][1]() as session:
        province = by_code(session, PROVINCE_CODE)
        groups = estimate_groups(session, Filters("kiosk", province.id, Window.parse("2000-01-01..2099-12-31")),
                                 by="unit")
    app.extensions["hailong.db"][0].dispose()
    assert groups.total and groups.groups
    return sum(estimate.n for estimate in groups.total.values()), repr((groups.total, groups.groups))


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_pg_dump_restores_into_a_new_database_with_every_row(app, runner, database_url, tmp_path):
    _demo(runner)
    app.extensions["hailong.db"][0].dispose()
    url = make_url(database_url)
    restored = url.set(database=f"{url.database}_restored")
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
    scripts = write_scripts(tmp_path)
    env = dict(os.environ, PATH=f"{PG_BIN}:{os.environ['PATH']}", PGHOST=url.host, PGPORT=str(url.port),
               PGUSER=url.username, BACKUP_DIR=str(tmp_path), DATABASE=url.database, OWNER=url.username)
    try:
        dump = run_script(scripts["hailong-backup"], env=env)
        assert re.fullmatch(rf"{tmp_path}/{url.database}-\d{{8}}T\d{{6}}Z\.dump", dump)
        assert Path(dump).read_bytes()[:5] == b"PGDMP"  # the custom format
        run_script(scripts["hailong-restore"], dump, restored.database, env=env)
        original_url, restored_url = database_url, restored.render_as_string(hide_password=False)
        original, copy = fingerprint(original_url), fingerprint(restored_url)
        assert copy == original
        assert original["responses"][0] > 100 and original["alembic_version"][0] == 1
        assert _served_and_estimated(restored_url) == _served_and_estimated(original_url)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_sqlite_backup_restores_over_the_database_file(app, runner, database_url, tmp_path):
    _demo(runner)
    app.extensions["hailong.db"][0].dispose()
    database = Path(make_url(database_url).database)
    backups, target = tmp_path / "backups", tmp_path / "restored" / "hailong.db"
    backups.mkdir()
    target.parent.mkdir()
    target.write_bytes(b"the damaged database")
    scripts = write_scripts(tmp_path)
    env = dict(os.environ, DATABASE_FILE=str(database), BACKUP_DIR=str(backups))
    backup = run_script(scripts["hailong-backup-sqlite"], env=env)
    assert re.fullmatch(rf"{backups}/hailong-\d{{8}}T\d{{6}}Z\.db\.gz", backup)
    assert gzip.decompress(Path(backup).read_bytes())[:16] == b"SQLite format 3\x00"
    run_script(scripts["hailong-restore-sqlite"], backup, str(target), env=env)
    [kept] = target.parent.glob("hailong.db.before-restore-*")
    assert kept.read_bytes() == b"the damaged database"
    restored_url = f"sqlite:///{target}"
    original = fingerprint(database_url)
    assert fingerprint(restored_url) == original
    assert original["responses"][0] > 100
    assert _served_and_estimated(restored_url) == _served_and_estimated(database_url)
