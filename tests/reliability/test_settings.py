"""Configuration comes only from the instance folder and HAILONG_* variables, and every setting is documented."""

from __future__ import annotations

import re
import runpy
import stat
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from survey.services.kiosk_config import KioskSettings
from survey.services.qrlinks import LinkSettings
from survey.services.submission_flags import IntegrityRules
from survey.web import proxy, settings
from survey.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"
# Keys the code sets for Flask's extensions itself: not settings.
INTERNAL = {"BABEL_TRANSLATION_DIRECTORIES", "BABEL_DEFAULT_LOCALE", "BABEL_DEFAULT_TIMEZONE", "TESTING"}
ENVIRONMENT = re.compile(r"os\.environ|getenv\(|load_dotenv\(|load_dotenv=True|from_envvar\(")
READ = re.compile(r"""(?:config|settings)(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")


def _sources() -> list[Path]:
    """Return the application's Python files."""
    return [path for folder in ("survey", "kiosk", "analysis") for path in (ROOT / folder).rglob("*.py")]


def _documented() -> set[str]:
    """Return the setting names in the first column of the Settings table of docs/deploy.md."""
    table = DEPLOY.read_text().split("## 12. Settings", 1)[1]
    return {name for row in table.splitlines() if row.startswith("| `")
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_setting_the_code_reads_is_documented():
    read = {key for path in _sources() for key in READ.findall(path.read_text())}
    read |= {f"INTEGRITY_{field.name.upper()}" for field in fields(IntegrityRules)}
    read |= {f"KIOSK_{field.name.upper()}" for field in fields(KioskSettings)}
    read |= {f"QR_{field.name.upper()}" for field in fields(LinkSettings)}
    read |= {f"PROXY_FIX_X_{name.upper()}" for name in proxy.HEADERS}
    read |= set(settings.defaults("/instance"))
    assert read - INTERNAL - _documented() == set()


def test_only_the_settings_module_reads_the_environment():
    readers = sorted(str(path.relative_to(ROOT)) for path in _sources()
                     if ENVIRONMENT.search(path.read_text()))
    assert readers == ["survey/web/settings.py"]


def test_environment_beats_instance_file_and_test_config_beats_both(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('TIMEZONE = "Asia/Bangkok"\nLOG_LEVEL = "ERROR"\nDEMO_SCALE = 0.5\n')
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HAILONG_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("HAILONG_DEMO_SCALE", "0.25")
    monkeypatch.setenv("HAILONG_SESSION_COOKIE_SECURE", "false")
    app = create_app({"DEMO_SCALE": 2, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    config = app.config
    assert (config["TIMEZONE"], config["LOG_LEVEL"], config["DEMO_SCALE"]) == ("Asia/Bangkok", "WARNING", 2)
    assert config["SESSION_COOKIE_SECURE"] is False
    assert app.instance_path == str(tmp_path)


def test_flask_debug_cannot_switch_debug_mode_on(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "s"})
    assert app.debug is False


def test_gunicorn_reads_its_settings_from_the_instance_folder_and_the_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("SERVER_WORKERS = 4\nSERVER_TIMEOUT = 90\n")
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HAILONG_SERVER_BIND", "127.0.0.1:9001, 127.0.0.1:9002")
    monkeypatch.setenv("HAILONG_SERVER_TIMEOUT", "120")
    conf = runpy.run_module("survey.web.gunicorn_conf")
    assert (conf["workers"], conf["timeout"], conf["graceful_timeout"]) == (4, 120, 30)
    assert conf["bind"] == ["127.0.0.1:9001", "127.0.0.1:9002"]
    assert (conf["wsgi_app"], conf["preload_app"], conf["accesslog"]) == ("survey.web.app:create_app()", False, None)


def test_workers_starting_together_share_one_secret_key(tmp_path):
    probe = "import sys, pathlib; from survey.web.settings import instance_secret; " \
            "print(instance_secret(pathlib.Path(sys.argv[1])))"
    starts = [subprocess.Popen([sys.executable, "-c", probe, str(tmp_path)], stdout=subprocess.PIPE, text=True)
              for _ in range(6)]
    keys = {process.communicate(timeout=120)[0].strip() for process in starts}
    assert [process.returncode for process in starts] == [0] * 6
    assert keys == {(tmp_path / "secret_key").read_text().strip()} and len(keys.pop()) >= 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]


@pytest.mark.parametrize("value", ["LOUD", "verbose"])
def test_an_unknown_log_level_stops_the_start(tmp_path, value):
    with pytest.raises(ValueError):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "s", "LOG_LEVEL": value})
