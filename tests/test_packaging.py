"""hailong works from the editable checkout and from a built wheel: data files ship inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys, pathlib
import survey
from survey.resources import bundled_questionnaire_files, templates_folder
from survey.domain.loader import load_file
files = bundled_questionnaire_files()
codes = sorted({load_file(f).code for f in files})
templates = pathlib.Path(templates_folder())
migrations = pathlib.Path(survey.__file__).parent / "db" / "migrations" / "versions"
print(pathlib.Path(survey.__file__).resolve())
print(",".join(codes))
print((templates / "base.html").is_file(), any(migrations.glob("0001_*.py")))
"""


def _probe(env: dict, cwd: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=cwd, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def _expected_codes() -> str:
    return ",".join(sorted(p.name for p in (ROOT / "questionnaires").iterdir() if any(p.glob("*.yaml"))))


def test_editable_install_finds_bundled_data(tmp_path):
    location, codes, found = _probe(dict(os.environ), tmp_path)
    assert location.startswith(str(ROOT))
    assert codes == _expected_codes()
    assert found == "True True"


@pytest.mark.slow
def test_wheel_install_carries_questionnaires_templates_and_migrations(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        check=True, cwd=tmp_path,
    )
    wheel = next(wheels.glob("hailong-*.whl"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, cwd=tmp_path,
    )
    assert not (target / "survey" / "_bundled" / "questionnaires").is_symlink()
    env = dict(os.environ, PYTHONPATH=str(target))
    location, codes, found = _probe(env, tmp_path)
    assert location.startswith(str(target.resolve()))
    assert codes == _expected_codes()
    assert found == "True True"
    cli = subprocess.run(
        [sys.executable, "-c", "from survey.cli import main; main()", "questionnaire", "validate", "--bundled"],
        env=env, cwd=tmp_path, capture_output=True, text=True,
    )
    assert cli.returncode == 0, cli.stderr
    assert str(target) in subprocess.run(
        [sys.executable, "-c", "import survey.web.app as a; print(a.__file__)"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout
