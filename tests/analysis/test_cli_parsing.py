"""The analyze command's CSV reading and expression syntax."""

import numpy as np
import pytest

from analysis.command_data import (
    InputError,
    parse_condition,
    parse_index,
    parse_ratio,
    read_margins,
    read_table,
)


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(
        "id,sch.wide,api00,ell,name,k.1/2\n"
        "1,Yes,700,0,A,3\n"
        "2,No,650,NA,B,4\n"
        "3,,720,5,,\n"
        "4,Yes,701.0,0,D,1\n",
        encoding="utf-8",
    )
    return read_table(path)


def test_columns_with_dots_missing_cells_and_numeric_detection(table):
    assert table.rows == 4
    assert set(table.numeric) == {"id", "api00", "ell", "k.1/2"}
    np.testing.assert_array_equal(table.number("ell"), [0, np.nan, 5, 0])
    assert table.text["sch.wide"] == ["Yes", "No", None, "Yes"]
    assert table.domain_values("api00") == [700, 650, 720, 701]


@pytest.mark.parametrize(
    ("expression", "column", "operator", "values"),
    [
        ("ell=0", "ell", "=", ("0",)),
        ("api00 > 700", "api00", ">", ("700",)),
        ("api00>=700", "api00", ">=", ("700",)),
        ("api00 <= 700", "api00", "<=", ("700",)),
        ("sch.wide = Yes", "sch.wide", "=", ("Yes",)),
        ("sch.wide != 'Yes'", "sch.wide", "!=", ("Yes",)),
        ("sch.wide==Yes", "sch.wide", "=", ("Yes",)),
        ("name in A, D", "name", "in", ("A", "D")),
        ("ell in 0,5", "ell", "in", ("0", "5")),
    ],
)
def test_conditions_parse(expression, column, operator, values):
    condition = parse_condition(expression)
    assert (condition.column, condition.operator, condition.values) == (column, operator, values)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ell=0", [1, np.nan, 0, 1]),
        ("api00 > 700", [0, 0, 1, 1]),
        ("api00 >= 700", [1, 0, 1, 1]),
        ("api00 < 700", [0, 1, 0, 0]),
        ("api00 != 700", [0, 1, 1, 1]),
        ("sch.wide=Yes", [1, 0, np.nan, 1]),
        ("sch.wide != Yes", [0, 1, np.nan, 0]),
        ("name in A,D", [1, 0, np.nan, 1]),
        ("ell in 0, 5", [1, np.nan, 1, 1]),
        ("api00=701", [0, 0, 0, 1]),
    ],
)
def test_conditions_evaluate_numerically_or_as_text(table, expression, expected):
    np.testing.assert_array_equal(parse_condition(expression).evaluate(table), expected)


@pytest.mark.parametrize("expression", ["ell", "=0", "ell=", "ell in", "name in A,,B"])
def test_bad_conditions_are_refused(expression):
    with pytest.raises(InputError):
        parse_condition(expression)


def test_text_columns_refuse_order_and_numeric_columns_refuse_text(table):
    with pytest.raises(InputError, match="numeric"):
        parse_condition("sch.wide > Yes").evaluate(table)
    with pytest.raises(InputError, match="must be a number"):
        parse_condition("api00 = high").evaluate(table)
    with pytest.raises(InputError, match="unknown column"):
        parse_condition("nothere = 1").evaluate(table)


def test_ratio_splits_at_the_slash_between_two_columns(table):
    assert parse_ratio("api00/ell", table) == ("api00", "ell")
    assert parse_ratio("k.1/2/api00", table) == ("k.1/2", "api00")
    with pytest.raises(InputError, match="unknown column"):
        parse_ratio("api00/nothere", table)
    with pytest.raises(InputError):
        parse_ratio("api00", table)


def test_index_parses_into_named_proportions():
    name, parts = parse_index("SIPAS = mean(q1>=4; q2 in 4,5 ;sch.wide=Yes)")
    assert name == "SIPAS"
    assert [text for text, _ in parts] == ["q1>=4", "q2 in 4,5", "sch.wide=Yes"]
    assert parts[1][1].values == ("4", "5")
    for bad in ["SIPAS", "S=sum(a=1)", "S=mean()", "S=mean(a=1;)", "=mean(a=1)"]:
        with pytest.raises(InputError):
            parse_index(bad)


def test_margins_files(tmp_path):
    good = tmp_path / "m.csv"
    good.write_text("stype,total\nE,4421\nH,755\nM,1018\n", encoding="utf-8")
    assert read_margins(str(good), "stype", numeric=False) == {"E": 4421.0, "H": 755.0, "M": 1018.0}
    numbers = tmp_path / "n.csv"
    numbers.write_text("dnum,total\n1.0,10\n2,20\n", encoding="utf-8")
    assert read_margins(str(numbers), "dnum", numeric=True) == {"1": 10.0, "2": 20.0}
    for text in ["stype,count\nE,1\n", "stype,total\nE,many\n", "stype,total\nE,1\nE,2\n", "stype,total\n"]:
        bad = tmp_path / "bad.csv"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError):
            read_margins(str(bad), "stype", numeric=False)


def test_ragged_and_empty_files_are_refused(tmp_path):
    ragged = tmp_path / "r.csv"
    ragged.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        read_table(ragged)
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_table(empty)
