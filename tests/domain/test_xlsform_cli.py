"""``hailong questionnaire export`` and ``import-xlsform``: files written, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from openpyxl import Workbook

from survey.cli import cli
from survey.cli_xlsform import export, import_xlsform
from survey.domain.document import content_hash, to_document
from survey.domain.loader import load_file, load_text
from survey.domain.xlsform_export import write_xlsform

SMALL = Path(__file__).parents[1] / "data" / "xlsform" / "small" / "2026.3.yaml"


@click.group()
def commands() -> None:
    """The two commands, as the questionnaire group will hold them."""


commands.add_command(export)
commands.add_command(import_xlsform)


def _hash(questionnaire) -> str:
    """Return the content hash of a questionnaire."""
    return content_hash(to_document(questionnaire))


def test_export_a_file_as_yaml_that_loads_back_the_same(runner):
    result = runner.invoke(commands, ["export", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "Khảo sát thử định dạng XLSForm" in result.output  # readable Vietnamese, not \u escapes
    assert "title:\n  vi: Khảo sát thử định dạng XLSForm\n  en: XLSForm format test survey\n  fr: " in (
        result.output
    )
    assert _hash(load_text(result.output)) == _hash(load_file(SMALL))


def test_export_a_file_as_json_document(runner, tmp_path):
    target = tmp_path / "small.json"
    result = runner.invoke(commands, ["export", str(SMALL), "--format", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}: small 2026.3 sha256:{_hash(load_file(SMALL))[:16]}" in result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert content_hash(document) == _hash(load_file(SMALL))
    assert set(document) == {"format", "definition", "compiled"}


def test_export_a_file_as_xlsform(runner, tmp_path):
    target = tmp_path / "small.xlsx"
    result = runner.invoke(commands, ["export", str(SMALL), "--format", "xlsform", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:2] == b"PK"  # an .xlsx is a zip archive


def test_export_a_stored_version(runner, mini_file, tmp_path):
    assert runner.invoke(cli, ["questionnaire", "load", "--publish", str(mini_file)]).exit_code == 0
    as_yaml = runner.invoke(commands, ["export", "mini", "2026.1", "--format", "yaml"])
    assert as_yaml.exit_code == 0, as_yaml.output
    assert _hash(load_text(as_yaml.output)) == _hash(load_file(mini_file))
    target = tmp_path / "mini.xlsx"
    as_xlsx = runner.invoke(commands, ["export", "mini", "2026.1", "--format", "xlsform", "-o", str(target)])
    assert as_xlsx.exit_code == 0, as_xlsx.output
    missing = runner.invoke(commands, ["export", "mini", "2030.1"])
    assert missing.exit_code == 1 and "has no version '2030.1'" in missing.output


@pytest.mark.parametrize(("arguments", "message"), [
    (["export", "no-such-file.yaml"], "'no-such-file.yaml' is not a file"),
    (["export", str(SMALL), "--format", "xlsform"], "name the .xlsx file to write with -o"),
])
def test_export_usage_errors(runner, arguments, message):
    result = runner.invoke(commands, arguments)
    assert result.exit_code == 2 and message in result.output


def test_export_of_an_invalid_file_fails_with_its_problems(runner, tmp_path):
    broken = tmp_path / "small" / "2026.3.yaml"
    broken.parent.mkdir()
    broken.write_text(SMALL.read_text(encoding="utf-8").replace("type: date", "type: time"))
    result = runner.invoke(commands, ["export", str(broken), "--format", "json"])
    assert result.exit_code == 1 and "item 'visit_date': unknown type 'time'" in result.output


def test_import_writes_a_definition_the_loader_accepts(runner, tmp_path):
    form = tmp_path / "form.xlsx"
    write_xlsform(load_file(SMALL), form)
    target = tmp_path / "questionnaires" / "small" / "2026.3.yaml"
    result = runner.invoke(commands, ["import-xlsform", str(form), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}: small 2026.3, 11 items, sha256:" in result.output
    assert "note:" not in result.output
    assert _hash(load_file(target)) == _hash(load_file(SMALL))


def test_import_with_overrides_notes_where_the_loader_expects_the_file(runner, tmp_path):
    form = tmp_path / "form.xlsx"
    write_xlsform(load_file(SMALL), form)
    target = tmp_path / "out.yaml"
    result = runner.invoke(commands, ["import-xlsform", str(form), "--code", "trial", "--version",
                                      "2027.1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "note: the loader expects this definition at trial/2027.1.yaml" in result.output
    q = load_text(target.read_text(encoding="utf-8"))
    assert (q.code, q.version) == ("trial", "2027.1")


def test_import_prints_warnings_and_yaml(runner, tmp_path):
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in (["type", "name", "label", "hailong_dimension", "hailong_score"],
                ["start", "start"],
                ["integer", "visits", "Số lần đến", "root", '{"rescale": {"min": 0, "max": 9}}'],
                ["text", "why", "Vì sao?"]):
        survey.append(row)
    workbook.create_sheet("hailong_dimensions").append(["code", "aggregate", "label"])
    workbook["hailong_dimensions"].append(["root", "mean", "Gốc"])
    workbook.create_sheet("settings").append(["form_id", "version", "form_title"])
    workbook["settings"].append(["visits", "2026.1", "Số lần"])
    form = tmp_path / "form.xlsx"
    workbook.save(form)
    result = runner.invoke(commands, ["import-xlsform", str(form)])
    # Rescaling an integer needs its bounds: the problem names the row.
    assert result.exit_code == 1
    assert "sheet 'survey' row 3, item 'visits' score: rescaling a numeric item needs its 'min'" in (
        result.output
    )
    survey["F1"].value, survey["G1"].value, survey["F3"].value, survey["G3"].value = (
        "hailong_min", "hailong_max", 0, 9,
    )
    workbook.save(form)
    result = runner.invoke(commands, ["import-xlsform", str(form)])
    assert result.exit_code == 0, result.output
    assert "warning: sheet 'survey' row 2: metadata 'start' skipped" in result.output
    assert "code: visits" in result.output and "max: 9" in result.output
