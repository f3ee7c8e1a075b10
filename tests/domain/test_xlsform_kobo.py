"""Importing XLSForms made in KoboToolbox or ODK, without hailong's extra columns."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook
from pyxform.xls2json import parse_file_to_json
from pyxform.xls2xform import convert

from survey.domain.problems import QuestionnaireError
from survey.domain.xlsform_import import import_xlsform

SURVEY_HEADER = [
    "type", "name", "label::English (en)", "label::Vietnamese (vi)", "hint::English (en)",
    "hint::Vietnamese (vi)", "required", "relevant", "constraint", "constraint_message::English (en)",
    "constraint_message::Vietnamese (vi)", "appearance", "choice_filter", "$kuid",
]
CHOICES_HEADER = ["list_name", "name", "label::English (en)", "label::Vietnamese (vi)", "$kuid"]


def write_form(path, **sheets):
    """Save a workbook whose sheets hold the given rows (the first row is the header)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def kobo_survey(extra_header=(), extras=None):
    """Return the survey sheet of a form as KoboToolbox exports it (extras: per item name)."""
    extras = extras or {}
    rows = [
        ["start", "start"], ["end", "end"], ["today", "today"],
        ["note", "welcome", "Thank you for taking part", "Cảm ơn Ông/Bà đã tham gia"],
        ["select_one yn", "used_service", "Did you use the service?", "Ông/Bà đã sử dụng dịch vụ chưa?",
         None, None, "TRUE", None, None, None, None, "horizontal", None, "k1"],
        ["begin_group", "visit", "About the visit", "Về lần đến", None, None, None,
         "${used_service} = 'yes'", None, None, None, "field-list"],
        ["integer", "wait_minutes", "How long did you wait (minutes)?", "Ông/Bà chờ bao lâu (phút)?",
         "Your best guess", "Ước lượng", "yes", None, ". >= 0 and . <= 600",
         "Between 0 and 600", "Từ 0 đến 600", None, None, "k2"],
        ["select_one satisfaction", "satisfied", "How satisfied are you?", "Ông/Bà hài lòng thế nào?",
         None, None, "1", "${wait_minutes} < 600"],
        ["select_multiple problems", "problems", "What went wrong?", "Điều gì chưa tốt?",
         None, None, "false"],
        ["end_group", "visit"],
        ["text", "comments", "Any comments?", "Ý kiến khác?", None, None, "no"],
        ["date", "visit_day", "When did you come?", "Ông/Bà đến ngày nào?"],
    ]
    header = SURVEY_HEADER + list(extra_header)
    body = []
    for row in rows:
        row = row + [None] * (len(SURVEY_HEADER) - len(row))
        body.append(row + list(extras.get(row[1], [None] * len(extra_header))))
    return [header] + body


KOBO_CHOICES = [
    CHOICES_HEADER,
    ["yn", "yes", "Yes", "Có", "c1"], ["yn", "no", "No", "Không", "c2"],
    ["satisfaction", 1, "Very dissatisfied", "Rất không hài lòng"],
    ["satisfaction", 2, "Dissatisfied", "Không hài lòng"],
    ["satisfaction", 3, "Neutral", "Bình thường"],
    ["satisfaction", 4, "Satisfied", "Hài lòng"],
    ["satisfaction", 5, "Very satisfied", "Rất hài lòng"],
    ["problems", "wait", "Long wait", "Chờ lâu"], ["problems", "fees", "Unofficial fees", "Phí ngoài"],
]
KOBO_SETTINGS = [["form_title", "form_id", "version"],
                 ["Phản hồi về dịch vụ", "service_feedback", "vAbC123 (2026-03-01 10:00:00)"]]
DIMENSIONS = [
    ["code", "parent", "aggregate", "label::Vietnamese (vi)", "label::English (en)"],
    ["feedback", None, "mean", "Hài lòng với dịch vụ", "Satisfaction with the service"],
    ["satisfaction", "feedback", "share", "Hài lòng", "Satisfied"],
]


@pytest.fixture
def kobo_form(tmp_path):
    """Return a Kobo form prepared for hailong: the tree sheet plus two columns on one item."""
    survey = kobo_survey(
        ("hailong_type", "hailong_dimension", "hailong_score"),
        {"satisfied": ["likert5", "satisfaction", '{"satisfied": [4, 5]}']},
    )
    return write_form(tmp_path / "kobo.xlsx", survey=survey, choices=KOBO_CHOICES,
                      settings=KOBO_SETTINGS, hailong_dimensions=DIMENSIONS)


def test_kobo_form_imports(kobo_form):
    result = import_xlsform(kobo_form, code="service-feedback", version="2026.1")
    q = result.questionnaire
    assert (q.code, q.version, q.family) == ("service-feedback", "2026.1", "custom")
    assert q.languages == ("vi", "en") and q.default_language == "vi"
    assert q.title.texts == {"vi": "Phản hồi về dịch vụ"}
    assert [s.code for s in q.sections] == ["section_1", "visit", "section_2"]
    assert q.sections[0].label.get("vi") == "Phản hồi về dịch vụ"
    assert q.sections[1].label.texts == {"vi": "Về lần đến", "en": "About the visit"}
    assert [i.code for i in q.items] == [
        "used_service", "wait_minutes", "satisfied", "problems", "comments", "visit_day",
    ]
    assert [i.type for i in q.items] == ["choice", "integer", "likert5", "multi_choice", "text", "date"]
    assert [i.required for i in q.items] == [True, True, True, False, False, False]


def test_kobo_labels_choices_and_expressions(kobo_form):
    q = import_xlsform(kobo_form, code="service-feedback", version="2026.1").questionnaire
    wait = q.item("wait_minutes")
    assert wait.label.texts == {"vi": "Ông/Bà chờ bao lâu (phút)?", "en": "How long did you wait (minutes)?"}
    assert wait.hint.texts == {"vi": "Ước lượng", "en": "Your best guess"}
    assert wait.constraint.text == ". >= 0 and . <= 600"
    assert wait.constraint_message.get("en") == "Between 0 and 600"
    # The group's relevance applies to each of its questions.
    assert wait.relevant.text == "${used_service} = 'yes'"
    assert q.item("satisfied").relevant.text == "(${used_service} = 'yes') and (${wait_minutes} < 600)"
    assert q.item("used_service").choice_values() == ("yes", "no")
    assert q.item("satisfied").choice_values() == (1, 2, 3, 4, 5)
    assert q.item("problems").choices[1].label.texts == {"vi": "Phí ngoài", "en": "Unofficial fees"}
    assert q.item("satisfied").score.apply(4) == 1.0 and q.dimensions.children[0].items == ("satisfied",)


def test_kobo_skipped_rows_and_ignored_columns_are_warned_about(kobo_form):
    warnings = import_xlsform(kobo_form, code="service-feedback", version="2026.1").warnings
    text = "\n".join(warnings)
    for expected in (
        "sheet 'survey' row 2: metadata 'start' skipped",
        "sheet 'survey' row 4: metadata 'today' skipped",
        "sheet 'survey' row 5: note 'welcome' skipped",
        "sheet 'survey' row 6: questions outside any group form section 'section_1'",
        "sheet 'survey' row 12: questions outside any group form section 'section_2'",
        "sheet 'survey' column 'appearance' ignored (rows 6, 7)",
        "sheet 'survey' column '$kuid' ignored (rows 6, 8)",
        "sheet 'choices' column '$kuid' ignored (rows 2, 3)",
    ):
        assert expected in text
    assert len(warnings) == 9  # the 'end' metadata row is the ninth


def test_kobo_codes_must_be_hailong_codes_unless_overridden(kobo_form):
    with pytest.raises(QuestionnaireError) as error:
        import_xlsform(kobo_form)
    messages = [str(p) for p in error.value.problems]
    assert any("sheet 'settings', code: invalid code 'service_feedback'" in m for m in messages)
    assert any("sheet 'settings', version: invalid version 'vAbC123" in m for m in messages)
    assert len(messages) == 2


def test_kobo_form_without_a_dimension_tree_imports_as_custom_without_index(tmp_path):
    path = write_form(tmp_path / "plain.xlsx", survey=kobo_survey(), choices=KOBO_CHOICES,
                      settings=KOBO_SETTINGS)
    q = import_xlsform(path, code="service-feedback", version="2026.1").questionnaire
    assert q.family == "custom" and q.dimensions is None
    assert all(item.score is None for item in q.items)


@pytest.mark.parametrize("header", [
    "label::Vietnamese (vi)", "label::vi", "label::Tiếng Việt (vi)", "label::VI", "label",
    "Label::Vietnamese (vi)",
])
def test_vietnamese_label_columns_in_every_spelling(tmp_path, header):
    survey = [["type", "name", header, "hailong_dimension", "hailong_score"],
              ["select_one s", "q1", "Hài lòng không?", "root", '{"satisfied": ["1"]}']]
    choices = [["list_name", "name", header.replace("Label", "label")],
               ["s", 1, "Có"], ["s", 2, "Không"]]
    path = write_form(tmp_path / "f.xlsx", survey=survey, choices=choices,
                      settings=[["form_id", "version", "form_title"], ["f", "2026.1", "Thử"]],
                      hailong_dimensions=[["code", "aggregate", "label"], ["root", "share", "Gốc"]])
    q = import_xlsform(path).questionnaire
    assert q.item("q1").label.texts == {"vi": "Hài lòng không?"}
    assert q.item("q1").choice_values() == ("1", "2")  # a select_one without hailong_type: codes
    assert q.languages == ("vi",)


def test_plain_label_is_in_the_default_language(tmp_path):
    survey = [["type", "name", "label", "label::Vietnamese (vi)"],
              ["text", "q1", "Your name?", "Tên?"]]
    settings = [["form_id", "version", "form_title", "default_language"],
                ["f", "2026.1", "Survey", "English (en)"]]
    path = write_form(tmp_path / "f.xlsx", survey=survey, settings=settings,
                      hailong_dimensions=[["code", "aggregate", "label::vi"], ["root", "mean", "Gốc"]])
    with pytest.raises(QuestionnaireError) as error:
        import_xlsform(path)
    messages = [str(p) for p in error.value.problems]
    # The English title has no Vietnamese text, nor has the section labelled with it; the tree's
    # only leaf has no items.
    assert any("sheet 'settings', title: label has no Vietnamese 'vi' text" in m for m in messages)
    assert any("row 2, section 'section_1' label: label has no Vietnamese" in m for m in messages)
    assert any("dimension 'root': this dimension has no items feeding it" in m for m in messages)
    assert len(messages) == 3


PYXFORM_TYPES = {"select one": "choice", "select all that apply": "multi_choice", "integer": "integer",
                 "text": "text", "date": "date"}
LANGUAGES = {"Vietnamese (vi)": "vi", "English (en)": "en"}


def _questions(children):
    """Yield pyxform's questions depth first, leaving out groups, notes and metadata."""
    for child in children:
        if child["type"] == "group":
            yield from _questions(child["children"])
        elif child["type"] in PYXFORM_TYPES:
            yield child


def test_import_reads_the_form_as_pyxform_does(kobo_form):
    ours = import_xlsform(kobo_form, code="service-feedback", version="2026.1").questionnaire
    theirs = list(_questions(parse_file_to_json(str(kobo_form))["children"]))
    assert [q["name"] for q in theirs] == [item.code for item in ours.items]
    for question in theirs:
        item = ours.item(question["name"])
        expected_type = PYXFORM_TYPES[question["type"]]
        assert item.type == ("likert5" if item.code == "satisfied" else expected_type)
        assert dict(item.label.texts) == {LANGUAGES[k]: v for k, v in question["label"].items()}
        assert [(str(c.value), dict(c.label.texts)) for c in item.choices] == [
            (str(c["name"]), {LANGUAGES[k]: v for k, v in c["label"].items()})
            for c in question.get("choices", [])
        ]
    xform = convert(xlsform=str(kobo_form), validate=False).xform
    # pyxform writes yes/true as true() and passes '1' through: XPath's boolean(1) is true as well.
    required = set(re.findall(r'nodeset="/data/(?:visit/)?(\w+)"[^>]*required="(?:true\(\)|1)"', xform))
    assert required == {item.code for item in ours.items if item.required}
