"""XLSForm export: the workbook's shape, and YAML -> xlsx -> questionnaire keeping the content hash."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from survey.domain.document import content_hash, to_document
from survey.domain.loader import load_file
from survey.domain.xlsform_export import write_xlsform
from survey.domain.xlsform_import import import_xlsform
from survey.resources import bundled_questionnaire_files

SMALL = Path(__file__).parents[1] / "data" / "xlsform" / "small" / "2026.3.yaml"


def _round_trip(path: Path, tmp_path: Path):
    """Return the questionnaire of a file and the one read back from its XLSForm export."""
    original = load_file(path)
    target = tmp_path / "form.xlsx"
    write_xlsform(original, target)
    return original, import_xlsform(target)


def _rows(sheet) -> list[dict]:
    """Return a sheet's rows as dicts keyed by header, empty cells left out."""
    rows = list(sheet.iter_rows(values_only=True))
    return [{h: v for h, v in zip(rows[0], row) if v is not None} for row in rows[1:]]


@pytest.fixture(scope="module")
def small_workbook(tmp_path_factory):
    """Return the exported workbook of the small fixture, opened without evaluating anything."""
    target = tmp_path_factory.mktemp("xlsform") / "small.xlsx"
    write_xlsform(load_file(SMALL), target)
    return openpyxl.load_workbook(target)


def test_small_fixture_round_trips_with_the_same_content_hash(tmp_path):
    original, imported = _round_trip(SMALL, tmp_path)
    assert to_document(imported.questionnaire) == to_document(original)
    assert content_hash(to_document(imported.questionnaire)) == content_hash(to_document(original))
    assert imported.warnings == ()


BUNDLED = bundled_questionnaire_files()


@pytest.mark.parametrize("path", BUNDLED, ids=[f"{p.parent.name}/{p.stem}" for p in BUNDLED])
def test_bundled_questionnaire_round_trips(path, tmp_path):
    original, imported = _round_trip(path, tmp_path)
    assert content_hash(to_document(imported.questionnaire)) == content_hash(to_document(original))
    assert imported.warnings == ()


def test_there_are_bundled_questionnaires_to_round_trip():
    assert {p.parent.name for p in BUNDLED} >= {"kiosk", "sipas"}


def test_sheets_and_survey_columns(small_workbook):
    assert small_workbook.sheetnames == ["survey", "choices", "settings", "hailong_dimensions"]
    header = next(small_workbook["survey"].iter_rows(values_only=True))
    for column in ("type", "name", "label::Vietnamese (vi)", "label::English (en)", "label::French (fr)",
                   "hint::Vietnamese (vi)", "required", "relevant", "constraint",
                   "constraint_message::English (en)", "hailong_dimension", "hailong_score",
                   "hailong_role", "hailong_pii", "hailong_type"):
        assert column in header


def test_items_rows(small_workbook):
    rows = {row.get("name"): row for row in _rows(small_workbook["survey"])}
    overall = rows["overall"]
    assert overall["type"] == "select_one agree5" and overall["hailong_type"] == "likert5"
    assert overall["required"] == "yes" and overall["label::French (fr)"].startswith("Dans l'ensemble")
    assert json.loads(overall["hailong_score"]) == {"satisfied": [4, 5]}
    assert rows["informed"]["type"] == "select_one yes_no_2"  # 'yes_no' is a list of the form
    assert rows["informed"]["hailong_type"] == "yes_no"
    assert rows["budget_posted"]["type"] == "select_one yes_no"
    assert "hailong_type" not in rows["budget_posted"]
    assert rows["channels"]["type"] == "select_multiple channels"
    assert rows["channels"]["hailong_choices"] == "inline"
    assert rows["visits"]["constraint"] == ". <= 20"
    assert (rows["visits"]["hailong_min"], rows["visits"]["hailong_max"]) == (0, 20)
    assert rows["hours"]["hailong_max"] == "10.0"  # a float bound stays a float
    assert rows["hours"]["relevant"] == "${informed} = 'yes'"
    assert rows["full_name"]["hailong_pii"] == "yes" and rows["full_name"]["type"] == "text"
    assert rows["visit_date"]["type"] == "date" and rows["hours"]["type"] == "decimal"


def test_sections_become_groups(small_workbook):
    types = [(row["type"], row.get("name")) for row in _rows(small_workbook["survey"])]
    groups = [(t, n) for t, n in types if t in ("begin group", "end group")]
    assert groups == [
        ("begin group", "service"), ("end group", None), ("begin group", "governance"),
        ("end group", None), ("begin group", "about"), ("end group", None),
    ]
    assert types[0] == ("begin group", "service") and types[-1] == ("end group", None)


def test_a_label_starting_with_equals_is_text_not_a_formula(small_workbook):
    sheet = small_workbook["survey"]
    cells = next(row for row in sheet.iter_rows() if row[1].value == "remarks")
    label = cells[2]
    assert label.value == "=> Ý kiến khác" and label.data_type == "s"


def test_choices_sheet(small_workbook):
    rows = _rows(small_workbook["choices"])
    agree = [r for r in rows if r["list_name"] == "agree5"]
    assert [r["name"] for r in agree] == [1, 2, 3, 4, 5]  # integers, not text
    assert agree[0]["label::Vietnamese (vi)"] == "Rất không đồng ý"
    assert [(r["name"], r["label::Vietnamese (vi)"]) for r in rows if r["list_name"] == "yes_no_2"] == [
        ("yes", "Có"), ("no", "Không"),
    ]
    assert [r["name"] for r in rows if r["list_name"] == "staff_rating"] == [1, 2, 3, 4, 5]
    assert [r["name"] for r in rows if r["list_name"] == "yes_no"] == ["yes", "no", "dont_know"]


def test_settings_sheet(small_workbook):
    (settings,) = _rows(small_workbook["settings"])
    assert settings["form_id"] == "small" and settings["version"] == "2026.3"
    assert settings["form_title"] == "Khảo sát thử định dạng XLSForm"
    assert settings["default_language"] == "Vietnamese (vi)"
    assert settings["hailong_family"] == "custom" and settings["hailong_languages"] == "vi en fr"
    assert settings["hailong_title::English (en)"] == "XLSForm format test survey"


def test_dimensions_sheet(small_workbook):
    rows = _rows(small_workbook["hailong_dimensions"])
    assert [(r["code"], r.get("parent"), r["aggregate"]) for r in rows] == [
        ("small", None, "sum"), ("satisfaction", "small", "share"),
        ("transparency", "small", "sum"), ("t_info", "transparency", "mean_over_siblings"),
        ("t_budget", "transparency", "mean_over_siblings"),
    ]
    alternatives = json.loads(rows[0]["alternatives"])
    assert alternatives[0]["items"] == ["overall"] and alternatives[0]["aggregate"] == "share"
    assert rows[2]["label::Vietnamese (vi)"] == "Công khai, minh bạch"


def test_xlsform_modules_import_no_web_or_database():
    probe = (
        "import sys, survey.domain.xlsform_import, survey.domain.xlsform_export\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'werkzeug', 'alembic'))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_round_trip_through_memory_for_uploads_and_downloads():
    buffer = io.BytesIO()
    original = load_file(SMALL)
    write_xlsform(original, buffer)
    buffer.seek(0)
    imported = import_xlsform(buffer, "upload.xlsx")
    assert content_hash(to_document(imported.questionnaire)) == content_hash(to_document(original))
