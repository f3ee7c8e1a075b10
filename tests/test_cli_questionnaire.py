"""The ``hailong questionnaire`` commands, with their output and exit codes."""

from __future__ import annotations

import json
import shutil

import pytest

from survey.cli import cli
from survey.db import migrate


@pytest.fixture
def bad_file(tmp_path, mini_file):
    path = tmp_path / "mini" / "2026.1.yaml"
    path.parent.mkdir()
    path.write_text(mini_file.read_text(encoding="utf-8").replace("type: integer", "type: number"))
    return path


def test_validate_ok_and_failing(runner, mini_file, bad_file):
    ok = runner.invoke(cli, ["questionnaire", "validate", str(mini_file)])
    assert ok.exit_code == 0 and "mini 2026.1  7 items  sha256:" in ok.output
    bad = runner.invoke(cli, ["questionnaire", "validate", str(bad_file)])
    assert bad.exit_code == 1
    assert "item 'age': unknown type 'number'" in bad.output
    none = runner.invoke(cli, ["questionnaire", "validate"])
    assert none.exit_code == 2


def test_load_publish_list_show(runner, mini_file):
    loaded = runner.invoke(cli, ["questionnaire", "load", str(mini_file)])
    assert loaded.exit_code == 0, loaded.output
    assert "created   mini 2026.1 (draft)" in loaded.output
    listed = runner.invoke(cli, ["questionnaire", "list"])
    assert "mini" in listed.output and "draft" in listed.output
    published = runner.invoke(cli, ["questionnaire", "publish", "mini", "2026.1"])
    assert published.exit_code == 0 and "published mini 2026.1 sha256:" in published.output
    shown = runner.invoke(cli, ["questionnaire", "show", "mini", "--lang", "en"])
    assert shown.exit_code == 0
    assert "Overall, are you satisfied?" in shown.output and "relevant: ${callback} = 'yes'" in shown.output
    as_json = runner.invoke(cli, ["questionnaire", "show", "mini", "2026.1", "--json"])
    assert json.loads(as_json.output)["definition"]["code"] == "mini"


def test_changing_a_published_version_fails_loudly(runner, tmp_path, mini_file):
    assert runner.invoke(cli, ["questionnaire", "load", "--publish", str(mini_file)]).exit_code == 0
    changed = tmp_path / "mini" / "2026.1.yaml"
    changed.parent.mkdir()
    changed.write_text(mini_file.read_text(encoding="utf-8").replace("Tuổi", "Tuổi (năm)"))
    result = runner.invoke(cli, ["questionnaire", "load", str(changed)])
    assert result.exit_code == 1
    assert "is published and frozen" in result.output and "new version" in result.output


def test_load_is_all_or_nothing(runner, mini_file, bad_file):
    result = runner.invoke(cli, ["questionnaire", "load", str(mini_file), str(bad_file)])
    assert result.exit_code == 1
    assert "no questionnaire versions stored" in runner.invoke(cli, ["questionnaire", "list"]).output


def test_diff_of_files_and_stored_versions(runner, tmp_path, mini_file):
    new = tmp_path / "mini" / "2026.2.yaml"
    new.parent.mkdir()
    new.write_text(
        mini_file.read_text(encoding="utf-8").replace('"2026.1"', '"2026.2"').replace("Tuổi", "Tuổi (năm)")
    )
    files = runner.invoke(cli, ["questionnaire", "diff", str(mini_file), str(new)])
    assert files.exit_code == 0 and "~ age: label" in files.output
    runner.invoke(cli, ["questionnaire", "load", str(mini_file), str(new)])
    stored = runner.invoke(cli, ["questionnaire", "diff", "mini", "2026.1", "2026.2", "--json"])
    assert json.loads(stored.output)["changed"] == [{"code": "age", "fields": ["label"]}]
    missing = runner.invoke(cli, ["questionnaire", "diff", "mini", "2026.1", "2030.1"])
    assert missing.exit_code == 1 and "has no version '2030.1'" in missing.output


def test_bundled_questionnaires_validate_load_and_publish(runner):
    validated = runner.invoke(cli, ["questionnaire", "validate", "--bundled"])
    assert validated.exit_code == 0, validated.output
    loaded = runner.invoke(cli, ["questionnaire", "load", "--bundled", "--publish"])
    assert loaded.exit_code == 0, loaded.output
    codes = {line.split()[1] for line in loaded.output.splitlines()}
    assert {"kiosk", "papi", "sipas", "sipas-policy"} <= codes


def test_init_migrates(runner):
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0 and f"database ready at revision {migrate.head()}" in result.output
