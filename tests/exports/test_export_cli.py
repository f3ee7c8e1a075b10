"""``hailong export responses``: every format through the command, filters, and clear errors."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest
from export_expected import COLUMNS, expected_rows

from survey.cli import cli


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "dta", "sav"])
def test_export_command_writes_the_filtered_rows(runner, export_world, tmp_path, file_format):
    path = tmp_path / f"out.{file_format}"
    result = runner.invoke(cli, ["export", "responses", "mini", "--format", file_format, "-o", str(path),
                                 "--unit", "C01", "--period", "2026-Q1", "--exclude-flagged"])
    want = expected_rows(export_world, include_flagged=False, units={"C01", "S01"}, months={1, 2, 3})
    assert result.exit_code == 0, result.output
    assert f"{len(want)} responses" in result.output
    if file_format == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif file_format == "xlsx":
        frame = pd.read_excel(path, sheet_name="responses", dtype=str)
    else:
        frame = (pyreadstat.read_dta if file_format == "dta" else pyreadstat.read_sav)(str(path))[0]
    assert list(frame.columns) == COLUMNS
    assert sorted(frame["uuid"]) == sorted(want)


def test_channel_option(runner, export_world, tmp_path):
    path = tmp_path / "k.csv"
    result = runner.invoke(cli, ["export", "responses", "mini", "-o", str(path), "--channel", "kiosk"])
    assert result.exit_code == 0 and "Exported 0 responses" in result.output
    assert path.read_text(encoding="utf-8-sig").count("\n") == 1


@pytest.mark.parametrize(("args", "message"), [
    (["responses", "nope"], "has no published version"),
    (["responses", "mini", "--unit", "X9"], "no unit with code 'X9'"),
])
def test_errors_are_bilingual(runner, export_world, tmp_path, args, message):
    result = runner.invoke(cli, ["export", *args, "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert message in result.output and "|" in result.output


def test_a_bad_period_is_refused(runner, export_world, tmp_path):
    result = runner.invoke(cli, ["export", "responses", "mini", "-o", str(tmp_path / "x.csv"),
                                 "--period", "2026-Q5"])
    assert result.exit_code == 2 and "--period" in result.output
