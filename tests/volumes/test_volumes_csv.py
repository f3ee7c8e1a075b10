"""CSV import of transaction volumes: good files, every kind of bad line, BOM, replace on re-import."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.cli import cli
from survey.db.volumes import TransactionVolume
from survey.services.volumes import VolumeImportError, import_rows
from survey.services.volumes_csv import read_csv
from survey.web.database import session_scope

TODAY = dt.date(2026, 3, 31)
GOOD = (
    "unit_code,service_code,day,processed\n"
    "X01-TT,1.001193,2026-03-02,14\n"
    "X01-TT,2.000815,2026-03-02,40\n"
    "X02-TT,1.001193,2026-03-02,0\n"
)


def _import(app, text: str | bytes, **kwargs):
    """Read and import a CSV text in one transaction."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with session_scope(app) as session:
        return import_rows(session, read_csv(data), today=TODAY, **kwargs)


def _stored(app) -> dict:
    """Return {(unit_id, service_id, day): processed} of every stored row."""
    with session_scope(app) as session:
        rows = session.execute(select(TransactionVolume.unit_id, TransactionVolume.service_id,
                                      TransactionVolume.day, TransactionVolume.processed)).all()
    return {(u, s, d): p for u, s, d, p in rows}


def _problems(app, text: str | bytes) -> list[tuple[int | None, str]]:
    """Return (line, code) of the problems an import reports, checking nothing was stored."""
    with pytest.raises(VolumeImportError) as caught:
        _import(app, text)
    assert _stored(app) == {}
    return [(p.line, p.code) for p in caught.value.problems]


def test_good_file_is_stored(app, org):
    result = _import(app, GOOD)
    assert (result.inserted, result.replaced) == (3, 0)
    assert _stored(app) == {
        (org["X01-TT"], org["1.001193"], dt.date(2026, 3, 2)): 14,
        (org["X01-TT"], org["2.000815"], dt.date(2026, 3, 2)): 40,
        (org["X02-TT"], org["1.001193"], dt.date(2026, 3, 2)): 0,
    }


def test_byte_order_mark_crlf_column_order_and_blank_lines(app, org):
    text = ("\ufeffday,processed,service_code,unit_code,note\r\n"
            "2026-03-03,7,1.001193,X01-TT,ghi chú\r\n\r\n")
    assert _import(app, text).inserted == 1
    assert _stored(app) == {(org["X01-TT"], org["1.001193"], dt.date(2026, 3, 3)): 7}


def test_reimport_replaces_the_day(app, org):
    _import(app, GOOD)
    result = _import(app, "unit_code,service_code,day,processed\n"
                          "X01-TT,1.001193,2026-03-02,15\nX01-TT,1.001193,2026-03-03,9\n")
    assert (result.inserted, result.replaced) == (1, 1)
    stored = _stored(app)
    assert stored[(org["X01-TT"], org["1.001193"], dt.date(2026, 3, 2))] == 15
    assert stored[(org["X01-TT"], org["1.001193"], dt.date(2026, 3, 3))] == 9
    assert stored[(org["X01-TT"], org["2.000815"], dt.date(2026, 3, 2))] == 40
    assert len(stored) == 4


@pytest.mark.parametrize(("line", "code"), [
    ("Y99,1.001193,2026-03-02,1", "unknown_unit"),
    ("X01-TT,9.999999,2026-03-02,1", "unknown_service"),
    ("X01-TT,1.001193,02/03/2026,1", "day"),
    ("X01-TT,1.001193,2026-02-30,1", "day"),
    ("X01-TT,1.001193,2026-04-01,1", "future_day"),
    ("X01-TT,1.001193,2026-03-02,-1", "processed"),
    ("X01-TT,1.001193,2026-03-02,1.5", "processed"),
    ("X01-TT,1.001193,2026-03-02,", "processed"),
    (",1.001193,2026-03-02,1", "empty_unit_code"),
    ("X01-TT,,2026-03-02,1", "empty_service_code"),
    ("X01-TT,1.001193,2026-03-02", "columns"),
    ("X01-TT,1.001193,2026-03-02,14", "duplicate"),
])
def test_each_bad_line_is_named_and_nothing_is_stored(app, org, line, code):
    assert _problems(app, GOOD + line + "\n") == [(5, code)]


def test_all_problems_are_reported_with_vi_and_en_messages(app, org):
    with pytest.raises(VolumeImportError) as caught:
        _import(app, "unit_code,service_code,day,processed\nX01,1.001193,2026-13-01,x\n,,2026-03-01,1\n")
    assert [(p.line, p.code) for p in caught.value.problems] == [
        (2, "day"), (2, "processed"), (3, "empty_unit_code"), (3, "empty_service_code")]
    with pytest.raises(VolumeImportError) as caught:
        _import(app, "unit_code,service_code,day,processed\nY99,9.9,2026-03-01,1\n")
    problems = caught.value.problems
    assert [p.code for p in problems] == ["unknown_unit", "unknown_service"]
    assert problems[0].text("vi") == "dòng 2: không có đơn vị mã 'Y99'"
    assert problems[0].text("en") == "line 2: no unit has code 'Y99'"
    assert problems[0].to_dict() == {"line": 2, "code": "unknown_unit", "message": {
        "vi": "không có đơn vị mã 'Y99'", "en": "no unit has code 'Y99'"}}


def test_duplicate_names_the_first_line(app, org):
    with pytest.raises(VolumeImportError) as caught:
        _import(app, GOOD + "X01-TT,2.000815,2026-03-02,41\n")
    assert caught.value.problems[0].message_en == "same unit, service and day as line 3"


@pytest.mark.parametrize(("data", "expected"), [
    (b"unit_code,service_code,day\nX01-TT,1.001193,2026-03-02\n", [(1, "header")]),
    (b"", [(1, "header")]),
    (b"unit_code,service_code,day,processed\n", [(None, "empty")]),
    ("unit_code,service_code,day,processed\nX01-TT,1.001193,2026-03-02,1\n".encode("utf-16"),
     [(None, "encoding")]),
    ("unit_code,service_code,day,processed\nXã,1.001193,2026-03-02,1\n".encode("latin-1"),
     [(None, "encoding")]),
])
def test_file_level_problems(app, org, data, expected):
    assert _problems(app, data) == expected


def test_cli_imports_and_refuses(app, org, runner, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8-sig")
    result = runner.invoke(cli, ["volumes", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 new, 0 replaced" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("unit_code,service_code,day,processed\nX01-TT,1.001193,2026-03-02,-4\n")
    result = runner.invoke(cli, ["volumes", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 2: processed '-4' must be a whole number, 0 or more" in result.output
    assert "Nothing was imported" in result.output
    assert len(_stored(app)) == 3
