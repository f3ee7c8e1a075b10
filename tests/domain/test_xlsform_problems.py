"""Every problem an XLSForm import reports, each naming the sheet and row it comes from."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from survey.domain.problems import QuestionnaireError
from survey.domain.xlsform_import import import_xlsform

SURVEY_HEADER = ["type", "name", "label::Vietnamese (vi)", "label::English (en)", "required",
                 "relevant", "hailong_type", "hailong_dimension", "hailong_score"]


def base_sheets() -> dict[str, list[list]]:
    """Return the sheets of a small valid form; each test breaks one thing in it."""
    return {
        "survey": [
            SURVEY_HEADER,
            ["begin group", "main", "Phần chính", "Main part"],
            ["select_one s5", "rating", "Hài lòng không?", "Satisfied?", "yes", None, "likert5",
             "root", '{"satisfied": [4, 5]}'],
            ["text", "remarks", "Ghi chú", "Remarks"],
            ["end group"],
        ],
        "choices": [["list_name", "name", "label::Vietnamese (vi)", "label::English (en)"]]
        + [["s5", v, f"Mức {v}", f"Level {v}"] for v in range(1, 6)],
        "settings": [["form_id", "version", "form_title"], ["demo", "2026.1", "Biểu mẫu thử"]],
        "hailong_dimensions": [
            ["code", "parent", "aggregate", "label::Vietnamese (vi)", "alternatives"],
            ["root", None, "share", "Chỉ số"],
        ],
    }


def write_form(path, sheets):
    """Save the sheets as an .xlsx workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def problems(tmp_path, sheets, **options) -> list[str]:
    """Return the problems of importing the sheets, as 'location: message' without the file."""
    path = write_form(tmp_path / "form.xlsx", sheets)
    with pytest.raises(QuestionnaireError) as error:
        import_xlsform(path, **options)
    assert all(p.source == str(path) for p in error.value.problems)
    return [f"{p.location}: {p.message}" if p.location else p.message for p in error.value.problems]


def survey_row(*cells, **extras):
    """Return a survey row in SURVEY_HEADER order (extras by column name)."""
    row = list(cells) + [None] * (len(SURVEY_HEADER) - len(cells))
    for column, value in extras.items():
        row[SURVEY_HEADER.index(column)] = value
    return row


def insert(sheets, *rows, at=4):
    """Insert survey rows before sheet row ``at`` (Excel numbering)."""
    sheets["survey"][at - 1:at - 1] = list(rows)
    return sheets


def test_the_base_form_is_valid(tmp_path):
    q = import_xlsform(write_form(tmp_path / "form.xlsx", base_sheets())).questionnaire
    assert [i.code for i in q.items] == ["rating", "remarks"] and q.item("rating").type == "likert5"


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"type,name,label\n")
    with pytest.raises(QuestionnaireError) as error:
        import_xlsform(path)
    (problem,) = error.value.problems
    assert problem.message.startswith("cannot read the workbook (")
    assert problem.message.endswith("save the form as an Excel .xlsx file")


def test_no_survey_sheet(tmp_path):
    sheets = base_sheets()
    del sheets["survey"]
    assert problems(tmp_path, sheets) == ["the workbook has no 'survey' sheet: is it an XLSForm?"]


def test_no_vietnamese_labels(tmp_path):
    sheets = base_sheets()
    sheets["survey"][0] = ["label::French (fr)" if c == "label::Vietnamese (vi)" else c
                           for c in SURVEY_HEADER]
    (problem,) = problems(tmp_path, sheets)
    assert problem.startswith("sheet 'survey': no Vietnamese label column: hailong needs Vietnamese")


def test_column_in_an_unknown_language(tmp_path):
    sheets = base_sheets()
    sheets["choices"][0].append("label::Klingon")
    assert problems(tmp_path, sheets) == [
        ("sheet 'choices' column 'label::Klingon': cannot tell which language this column is in; "
        "name it like 'label::Vietnamese (vi)', 'label::English (en)' or 'label::vi'")
    ]


def test_two_columns_for_the_same_language(tmp_path):
    sheets = base_sheets()
    sheets["survey"][0] = SURVEY_HEADER + ["label::vi"]
    assert problems(tmp_path, sheets) == [
        ("sheet 'survey' column 'label::vi': holds the same thing as column "
        "'label::Vietnamese (vi)' (label::vi); keep only one of them")
    ]


UNSUPPORTED = [
    ("calculate", "calculated fields are not supported: compute the value in the analysis instead"),
    ("begin repeat", "repeat groups are not supported: a hailong response holds one answer per item"),
    ("geopoint", "locations are not collected by hailong"),
    ("image", "photos and files are not collected by hailong"),
    ("time", "only dates are supported (type date)"),
    ("range", "use integer with hailong_min/hailong_max, or a select_one with hailong_type likert5"),
    ("acknowledge", "use a select_one with hailong_type yes_no"),
    ("select_one_from_file towns.csv",
     "choices must be listed in the choices sheet, not in an external file"),
]


@pytest.mark.parametrize(("kind", "why"), UNSUPPORTED, ids=[k for k, _ in UNSUPPORTED])
def test_unsupported_types_are_problems_naming_the_row(tmp_path, kind, why):
    sheets = insert(base_sheets(), survey_row(kind, "extra", "Thêm", "Extra"))
    if kind == "begin repeat":
        sheets = insert(sheets, survey_row("end repeat"), at=5)
    assert problems(tmp_path, sheets) == [f"sheet 'survey' row 4: type '{kind}' (extra): {why}"]


@pytest.mark.parametrize("kind", ["foo", "select_one s5 or_other", "select_one"])
def test_unknown_types_are_problems(tmp_path, kind):
    sheets = insert(base_sheets(), survey_row(kind, "extra", "Thêm", "Extra"))
    assert problems(tmp_path, sheets) == [
        (f"sheet 'survey' row 4: type '{kind}' (extra) is not supported by hailong; use integer, "
        "decimal, text, date, select_one, select_multiple, begin/end group or note")
    ]


REFUSED = [
    ("choice_filter", "filtered choice lists (cascading selects) are not supported"),
    ("repeat_count", "repeat groups are not supported"),
    ("trigger", "answers recalculated from other answers are not supported"),
]


@pytest.mark.parametrize(("column", "why"), REFUSED, ids=[c for c, _ in REFUSED])
def test_columns_that_change_what_a_question_accepts_are_refused(tmp_path, column, why):
    sheets = base_sheets()
    sheets["survey"][0] = SURVEY_HEADER + [column]
    sheets["survey"][2] = sheets["survey"][2] + ["${remarks}"]
    assert problems(tmp_path, sheets) == [f"sheet 'survey' row 3, column '{column}': {why}"]


def test_groups_must_be_flat_and_balanced(tmp_path):
    nested = insert(base_sheets(), survey_row("begin group", "inner", "Trong"), survey_row("end group"))
    assert problems(tmp_path, nested) == [
        ("sheet 'survey' row 4: group 'inner' is inside group 'main': hailong sections are one level "
        "deep; close the outer group first")
    ]
    extra_end = base_sheets()
    extra_end["survey"].append(survey_row("end group"))
    assert problems(tmp_path, extra_end) == [
        "sheet 'survey' row 6: 'end group' without a matching 'begin group'"
    ]
    unclosed = base_sheets()
    unclosed["survey"].pop()
    assert problems(tmp_path, unclosed) == ["sheet 'survey' row 2: group 'main' has no 'end group' row"]


def test_rows_without_type_or_name(tmp_path):
    sheets = insert(base_sheets(), survey_row("text", None, "Câu hỏi", "Question"),
                    survey_row(None, "orphan", "Mồ côi"))
    assert problems(tmp_path, sheets) == [
        "sheet 'survey' row 4: the text question has no name (its item code)",
        "sheet 'survey' row 5: the row has no type (a question needs type, name and label)",
    ]


def test_hailong_type_must_fit_the_xlsform_type(tmp_path):
    sheets = insert(base_sheets(), survey_row("integer", "age", "Tuổi", hailong_type="likert5"))
    assert problems(tmp_path, sheets) == [
        "sheet 'survey' row 4: hailong_type 'likert5' does not fit type 'integer'"
    ]


def test_yes_no_columns(tmp_path):
    sheets = base_sheets()
    sheets["survey"][0] = SURVEY_HEADER + ["hailong_pii"]
    sheets["survey"][2][4] = "${remarks} = 1"
    sheets["survey"][3] = sheets["survey"][3] + [None] * 5 + ["maybe"]
    assert problems(tmp_path, sheets) == [
        ("sheet 'survey' row 3, item 'rating': required must be yes or no (or true/false, 1/0), not "
        "'${remarks} = 1'; conditional requirements are not supported"),
        ("sheet 'survey' row 4, item 'remarks': hailong_pii must be yes or no (or true/false, 1/0), "
        "not 'maybe'"),
    ]


def test_extra_columns_with_unreadable_values(tmp_path):
    sheets = base_sheets()
    sheets["survey"][0] = SURVEY_HEADER + ["hailong_min", "hailong_choices"]
    sheets["survey"][2][8] = "{satisfied: [4, 5]}"
    sheets["survey"][2] += ["low", "shared"]
    found = problems(tmp_path, sheets)
    assert found[:3] == [
        "sheet 'survey' row 3: hailong_choices must be empty or 'inline', not 'shared'",
        ("sheet 'survey' row 3, item 'rating': hailong_score is not valid JSON (Expecting property "
        "name enclosed in double quotes): {satisfied: [4, 5]}"),
        "sheet 'survey' row 3, item 'rating': hailong_min must be a number, not 'low'",
    ]
    # Without its score the item no longer fits its dimension; the schema says so, at the same row.
    assert found[3:] == ["sheet 'survey' row 3, item 'rating': feeds dimension 'root' but has no 'score' rule"]


def test_choice_rows_without_list_or_name(tmp_path):
    sheets = base_sheets()
    sheets["choices"] += [[None, "x", "X"], ["s5", None, "Không tên"]]
    assert problems(tmp_path, sheets) == [
        "sheet 'choices' row 7: the choice has no list_name",
        "sheet 'choices' row 8: a choice of list 's5' has no name (its value)",
    ]


def test_likert_values_must_be_whole_numbers(tmp_path):
    sheets = base_sheets()
    sheets["choices"][5][1] = 4.5
    found = problems(tmp_path, sheets)
    assert found[0] == "sheet 'choices' row 6: choice '4.5' of a likert5 scale must be a whole number 1..5"
    # The schema then refuses the list itself, at the same row.
    assert found[1].startswith("sheet 'choices' row 6, choice list 's5'[4]: choice value '4.5'")


def test_a_yes_no_list_must_hold_yes_and_no(tmp_path):
    sheets = insert(base_sheets(), survey_row("select_one yn", "agree", "Đồng ý?", hailong_type="yes_no"))
    sheets["choices"] += [["yn", "da", "Có"], ["yn", "nyet", "Không"]]
    assert problems(tmp_path, sheets) == [
        ("sheet 'choices' row 7: list 'yn' answers a hailong_type yes_no item, so its names must be "
        "exactly 'yes' and 'no', not ['da', 'nyet']")
    ]


def test_settings_without_code_version_or_title(tmp_path):
    sheets = base_sheets()
    sheets["settings"] = [["style"], ["pages"]]
    assert problems(tmp_path, sheets) == [
        ("sheet 'settings': form_id is missing: it is the questionnaire code (lowercase letters, "
        "digits and '-', e.g. 'sipas')"),
        "sheet 'settings': form_title is missing: it is the questionnaire title",
        "sheet 'settings': version is missing: write the questionnaire version as 'YYYY.N', e.g. 2026.1",
    ]
    # The command line's --code and --version stand in for the settings.
    sheets["settings"] = [["form_title"], ["Biểu mẫu thử"]]
    q = import_xlsform(write_form(tmp_path / "f.xlsx", sheets), code="demo", version="2026.2").questionnaire
    assert (q.code, q.version) == ("demo", "2026.2")


def test_default_language_must_be_a_known_language(tmp_path):
    sheets = base_sheets()
    sheets["settings"] = [["form_id", "version", "form_title", "default_language"],
                          ["demo", "2026.1", "Biểu mẫu thử", "Klingon"]]
    assert problems(tmp_path, sheets) == [
        ("sheet 'settings', default_language: 'Klingon' names no language hailong knows; write it as "
        "'Vietnamese (vi)', 'English (en)' or a language code")
    ]


def test_no_dimension_sheet(tmp_path):
    sheets = base_sheets()
    del sheets["hailong_dimensions"]
    found = problems(tmp_path, sheets)
    assert found and all("no 'dimensions' tree" in p or "missing required key 'dimensions'" in p
                         for p in found), found


def test_dimension_rows_that_do_not_make_one_tree(tmp_path):
    sheets = base_sheets()
    sheets["hailong_dimensions"] += [
        [None, "root", "share", "Không mã"],
        ["root", None, "share", "Lặp lại"],
        ["second", None, "mean", "Gốc thứ hai"],
        ["orphan", "nowhere", "share", "Mồ côi"],
        ["bad_alt", "root", "share", "Lựa chọn", "[{code: x}]"],
    ]
    found = problems(tmp_path, sheets)
    assert found[:5] == [
        "sheet 'hailong_dimensions' row 3: the dimension has no code",
        "sheet 'hailong_dimensions' row 4: dimension 'root' is listed twice",
        ("sheet 'hailong_dimensions' row 5: 'second' has no parent, but 'root' is the root already: "
        "a dimension tree has one root; fill in the parent"),
        ("sheet 'hailong_dimensions' row 6: parent 'nowhere' of 'orphan' is not listed above this row "
        "(list every node below its parent)"),
        ("sheet 'hailong_dimensions' row 7: alternatives of 'bad_alt' are not valid JSON (Expecting "
        "property name enclosed in double quotes)"),
    ]


def test_a_tree_without_root_or_rows(tmp_path):
    no_root = base_sheets()
    no_root["hailong_dimensions"][1][1] = "root"
    assert problems(tmp_path, no_root)[:2] == [
        ("sheet 'hailong_dimensions' row 2: parent 'root' of 'root' is not listed above this row "
        "(list every node below its parent)"),
        "sheet 'hailong_dimensions': no row without a parent: the root of the tree is missing",
    ]
    empty = base_sheets()
    empty["hailong_dimensions"] = [["code", "parent", "aggregate"]]
    assert "sheet 'hailong_dimensions': the sheet lists no dimensions" in problems(tmp_path, empty)


def test_schema_problems_name_the_row_they_come_from(tmp_path):
    sheets = base_sheets()
    sheets["survey"][1][1] = "Main Part"
    sheets["survey"][3][1] = "Remarks"
    sheets["settings"][1][1] = "v1"
    sheets["hailong_dimensions"][1][2] = "avg"
    assert problems(tmp_path, sheets) == [
        "sheet 'settings', version: invalid version 'v1': write it as a quoted 'YYYY.N', e.g. \"2026.1\"",
        "sheet 'survey' row 2, section #1: invalid code 'Main Part': use ^[a-z][a-z0-9_]*$",
        "sheet 'survey' row 4, section '' item #2: invalid code 'Remarks': use ^[a-z][a-z0-9_]*$",
        ("sheet 'hailong_dimensions' row 2, dimension 'root': unknown aggregate 'avg' (one of: share, "
        "mean, mean_over_siblings, sum)"),
    ]


def test_a_choice_without_a_vietnamese_label(tmp_path):
    sheets = base_sheets()
    sheets["choices"][3][2] = None
    found = problems(tmp_path, sheets)
    assert found[0] == (
        "sheet 'choices' row 4, choice list 's5'[2] (value 3): label has no Vietnamese 'vi' text"
    )
    # The list is refused whole, so the item using it reports it as unknown.
    assert found[1] == "sheet 'survey' row 3, item 'rating': unknown choice list 's5'"


def test_expression_problems_name_the_row(tmp_path):
    sheets = insert(base_sheets(), survey_row("text", "why", "Vì sao?", relevant="${nope} = 1"),
                    survey_row("integer", "age", "Tuổi", relevant="${age} >"))
    found = sorted(problems(tmp_path, sheets))
    assert found[0] == "sheet 'survey' row 4, item 'why' relevant: unknown reference ${nope} in '${nope} = 1'"
    # The parser's own wording follows; the row and item come from the import.
    assert found[1].startswith("sheet 'survey' row 5, item 'age' relevant: invalid expression '${age} >': ")
    assert len(found) == 2


def test_a_survey_without_questions(tmp_path):
    sheets = base_sheets()
    sheets["survey"] = [SURVEY_HEADER, survey_row("note", "hello", "Xin chào")]
    found = problems(tmp_path, sheets)
    assert found[0] == "sheet 'survey', sections: must be a non-empty list of sections"
    assert found[1] == (
        "sheet 'hailong_dimensions' row 2, dimension 'root': this dimension has no items feeding it"
    )
    assert len(found) == 2
