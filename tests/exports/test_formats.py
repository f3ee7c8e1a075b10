"""Every format reopened (pandas, openpyxl, pyreadstat) and compared cell by cell with what was submitted."""

from __future__ import annotations

import math
import zipfile

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from export_expected import COLUMNS, PHONE, expected_rows

from survey.services.exports import ExportRequest
from survey.services.exports_csv import csv_lines, write_csv
from survey.services.exports_labelled import write_labelled
from survey.services.exports_xlsx import write_xlsx
from survey.web.database import session_scope

LIKERT = {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng",
          5: "Rất hài lòng"}


def _export(app, writer, path, **kwargs):
    with session_scope(app) as session:
        return writer(session, ExportRequest("mini"), path, **kwargs)


def test_csv_matches_the_submitted_answers(app, export_world, tmp_path):
    path = tmp_path / "mini.csv"
    assert _export(app, write_csv, path) == 24
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns) == COLUMNS
    expected = expected_rows(export_world)
    assert sorted(frame["uuid"]) == sorted(expected)
    for record in frame.to_dict("records"):
        want = expected[record["uuid"]]
        assert record == {k: "" if v is None else (v.isoformat() if hasattr(v, "isoformat") and
                          not isinstance(v, str) else str(v)) for k, v in want.items()}


def test_csv_streams_one_line_per_response(app, export_world):
    with session_scope(app) as session:
        lines = list(csv_lines(session, ExportRequest("mini")))
    assert len(lines) == 25 and lines[0].startswith("\ufeffuuid,questionnaire_version,")
    assert all(line.endswith("\r\n") for line in lines)


def test_xlsx_matches_and_has_label_sheets(app, export_world, tmp_path):
    path = tmp_path / "mini.xlsx"
    assert _export(app, write_xlsx, path) == 24
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["responses", "variables", "value_labels"]
    rows = list(book["responses"].iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    expected = expected_rows(export_world)
    for values in rows[1:]:
        got = dict(zip(COLUMNS, list(values) + [None] * (len(COLUMNS) - len(values))))
        want = expected[got["uuid"]]
        got["local_date"] = got["local_date"].date()
        assert got == want
    labels = list(book["value_labels"].iter_rows(values_only=True))
    assert ("overall", 1, "Rất không hài lòng", "Very dissatisfied") in labels
    assert ("problems", "fees", "Phí, lệ phí", "Fees") in labels
    assert ("callback", "yes", "Có", "Yes") in labels
    variables = {row[0]: row for row in book["variables"].iter_rows(values_only=True)}
    assert variables["waiting_minutes"][2] == "Thời gian chờ (phút)"
    book.close()


def _labelled_equal(got, want, column):
    """Compare one pyreadstat cell with the submitted value (numbers come back as floats)."""
    if want is None:
        return got == "" or got is None or (isinstance(got, float) and math.isnan(got))
    if column == "callback":
        return got == {"yes": 1, "no": 0}[want]
    if column == "counted" or isinstance(want, int):
        return got == float(want)
    return got == want


@pytest.mark.parametrize("file_format", ["dta", "sav"])
def test_stata_and_spss_match_with_labels(app, export_world, tmp_path, file_format):
    path = tmp_path / f"mini.{file_format}"
    assert _export(app, write_labelled, path, file_format=file_format) == 24
    read = pyreadstat.read_dta if file_format == "dta" else pyreadstat.read_sav
    frame, meta = read(str(path))
    assert list(frame.columns) == COLUMNS
    expected = expected_rows(export_world)
    for record in frame.to_dict("records"):
        want = expected[record["uuid"]]
        for column in COLUMNS:
            assert _labelled_equal(record[column], want[column], column), (column, record[column])
    assert meta.variable_value_labels["overall"] == LIKERT
    assert meta.variable_value_labels["callback"] == {1: "Có", 0: "Không"}
    assert meta.column_names_to_labels["waiting_minutes"] == "Thời gian chờ (phút)"
    assert meta.column_names_to_labels["problems__fees"] == "Điều gì chưa tốt?: Phí, lệ phí"


def test_no_format_contains_personal_data(app, export_world, tmp_path):
    for name, writer, kwargs in (("a.csv", write_csv, {}), ("a.xlsx", write_xlsx, {}),
                                 ("a.dta", write_labelled, {"file_format": "dta"}),
                                 ("a.sav", write_labelled, {"file_format": "sav"})):
        path = tmp_path / name
        _export(app, writer, path, **kwargs)
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(path) as archive:
                content = b"".join(archive.read(member) for member in archive.namelist())
        else:
            content = path.read_bytes()
        assert PHONE.encode() not in content, name
        assert b"phone" not in content.lower(), name


def test_labelled_formats_refuse_above_the_memory_bound(app, export_world, tmp_path):
    from survey.services.exports import ExportError

    with pytest.raises(ExportError) as error:
        _export(app, write_labelled, tmp_path / "a.dta", file_format="dta", max_cells=24 * 27 - 1)
    assert error.value.code == "too_large" and "CSV" in error.value.message_vi
    assert not (tmp_path / "a.dta").exists()
    assert _export(app, write_labelled, tmp_path / "b.dta", file_format="dta", max_cells=24 * 27) == 24


def test_stata_names_are_cut_to_32_characters_and_stay_unique():
    from survey.services.exports_labelled import stata_names

    long_a = "procedures_expectation__fewer_documents"
    long_b = "procedures_expectation__fewer_documents_and_forms"
    names = stata_names(["uuid", long_a, long_b])
    assert names["uuid"] == "uuid"
    assert names[long_a] == long_a[:32]
    assert names[long_b] == long_a[:30] + "_2"
    assert all(len(name) <= 32 for name in names.values())
