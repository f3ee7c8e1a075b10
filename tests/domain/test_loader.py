"""The questionnaire loader: a valid definition loads; every kind of problem is reported precisely."""

from __future__ import annotations

import copy

import pytest
import yaml

from survey.domain.loader import load_file, load_text, parse_yaml
from survey.domain.problems import QuestionnaireError
from survey.domain.schema import build_questionnaire


@pytest.fixture
def raw(mini_file) -> dict:
    """Return the example definition as a fresh dict."""
    return yaml.safe_load(mini_file.read_text(encoding="utf-8"))


def test_example_loads_with_everything(mini_file):
    q = load_file(mini_file)
    assert (q.code, q.version, q.family) == ("mini", "2026.1", "sipas")
    assert [i.code for i in q.items] == [
        "staff_satisfaction", "result_satisfaction", "overall", "problems", "age", "callback", "phone",
    ]
    assert q.effective_date == "2026-01-01"
    assert q.item("phone").pii and q.item("phone").relevant.text == "${callback} = 'yes'"
    assert q.item("staff_satisfaction").score.satisfied == (4, 5)
    assert q.item("staff_satisfaction").role == "indicator"
    assert q.node("staff").items == ("staff_satisfaction",)
    assert q.dimensions.alternatives[0].items == ("overall",)
    assert q.item("overall").label.get("en") == "Overall, are you satisfied?"
    assert q.item("overall").label.get("km") == q.item("overall").label.get("vi")


def test_yes_and_no_stay_strings_and_duplicate_keys_are_refused():
    assert parse_yaml("values: {yes: 10, no: 1}\nflag: true") == {
        "values": {"yes": 10, "no": 1}, "flag": True,
    }
    with pytest.raises(QuestionnaireError, match="duplicate key 'code'"):
        parse_yaml("code: a\ncode: b\n", "dup.yaml")


def test_yaml_syntax_error_names_line():
    with pytest.raises(QuestionnaireError) as info:
        load_text("code: [unclosed\nversion: 1\n", "broken.yaml")
    assert "broken.yaml: line" in str(info.value)


def _item(raw, code):
    for section in raw["sections"]:
        for item in section["items"]:
            if item["code"] == code:
                return item
    raise KeyError(code)


def _node(raw, code):
    stack = [raw["dimensions"]]
    while stack:
        node = stack.pop()
        if node["code"] == code:
            return node
        stack.extend(node.get("children", []))
    raise KeyError(code)


MUTATIONS = {
    "missing title": (lambda r: r.pop("title"), "questionnaire: missing required key 'title'"),
    "typo key": (lambda r: r.update(titel={"vi": "x"}), "unknown key 'titel'"),
    "bad version": (lambda r: r.update(version=2026.1), "invalid version 2026.1"),
    "bad family": (lambda r: r.update(family="par"), "unknown family 'par'"),
    "no vi title": (lambda r: r.update(title={"en": "x"}), "title: label has no Vietnamese 'vi' text"),
    "duplicate item": (
        lambda r: r["sections"][1]["items"].append(copy.deepcopy(_item(r, "age"))),
        "item 'age': duplicate item code",
    ),
    "unknown type": (lambda r: _item(r, "age").update(type="number"), "item 'age': unknown type 'number'"),
    "unknown reference": (
        lambda r: _item(r, "problems").update(relevant="${overal} <= 3"),
        "item 'problems' relevant: unknown reference ${overal}",
    ),
    "syntax error": (
        lambda r: _item(r, "problems").update(relevant="${overall} <="),
        "item 'problems' relevant: invalid expression",
    ),
    "self in relevant": (
        lambda r: _item(r, "age").update(relevant=". > 3"),
        "'.' (the current answer) is only allowed in a constraint",
    ),
    "own answer in relevant": (
        lambda r: _item(r, "age").update(relevant="${age} > 3"),
        "relevance cannot depend on its own answer",
    ),
    "pii in expression": (
        lambda r: _item(r, "callback").update(relevant="${phone} != ''"),
        "may not read personal data items: phone",
    ),
    "choice missing label": (
        lambda r: r["choice_lists"]["problems"][1].pop("label"),
        "choice list 'problems'[1]: missing required key 'label'",
    ),
    "choice missing vi": (
        lambda r: r["choice_lists"]["problems"][1].update(label={"en": "x"}),
        "label has no Vietnamese 'vi' text",
    ),
    "duplicate choice": (
        lambda r: r["choice_lists"]["problems"].append(copy.deepcopy(r["choice_lists"]["problems"][0])),
        "duplicate choice value 'waiting'",
    ),
    "unknown choice list": (
        lambda r: _item(r, "problems").update(choices="problem"),
        "item 'problems': unknown choice list 'problem'",
    ),
    "likert not 1..5": (
        lambda r: r["choice_lists"]["satisfaction5"].pop(),
        "a likert5 item needs exactly the values 1..5",
    ),
    "score outside scale": (
        lambda r: _item(r, "overall").update(score={"satisfied": [4, 6]}),
        "'satisfied' names values outside the scale: [6]",
    ),
    "values outside answers": (
        lambda r: _item(r, "callback").update(score={"values": {"yes": 1, "maybe": 0}}),
        "'values' names 'maybe', which is not an answer of this item",
    ),
    "rescale bounds too narrow": (
        lambda r: _item(r, "age").update(score={"rescale": {"min": 18, "max": 100}}, dimension="staff"),
        "'rescale' bounds [18, 100] do not contain the answers [110]",
    ),
    "reverse without rescale": (
        lambda r: _item(r, "age").update(score={"reverse": True}),
        "'reverse' needs 'rescale' bounds",
    ),
    "text scored": (
        lambda r: _item(r, "phone").update(score={"satisfied": ["x"]}),
        "items of type text cannot be scored",
    ),
    "dimension without items": (
        lambda r: _node(r, "mini")["children"].append(
            {"code": "access", "label": {"vi": "Tiếp cận"}, "aggregate": "share"}
        ),
        "dimension 'access': this dimension has no items feeding it",
    ),
    "unknown dimension": (
        lambda r: _item(r, "staff_satisfaction").update(dimension="staf"),
        "item 'staff_satisfaction': unknown dimension 'staf'",
    ),
    "scored item feeds nothing": (
        lambda r: _node(r, "mini").pop("alternatives"),
        "item 'overall': a scored item must feed a 'dimension' leaf or be named by an alternative",
    ),
    "dimension without score": (
        lambda r: _item(r, "staff_satisfaction").pop("score"),
        "feeds dimension 'staff' but has no 'score' rule",
    ),
    "numeric score under share": (
        lambda r: _item(r, "staff_satisfaction").update(score={"rescale": {"min": 1, "max": 5}}),
        "aggregates a share: score the item with 'satisfied'",
    ),
    "duplicate dimension": (
        lambda r: _node(r, "result").update(code="staff"),
        "dimension 'staff': duplicate dimension code",
    ),
    "unknown aggregate": (
        lambda r: _node(r, "staff").update(aggregate="median"),
        "unknown aggregate 'median'",
    ),
    "alternative unknown item": (
        lambda r: r["dimensions"]["alternatives"][0].update(items=["overal"]),
        "alternative 'overall_item': unknown item 'overal'",
    ),
    "min above max": (lambda r: _item(r, "age").update(min=200), "'min' 200 is greater than 'max' 110"),
    "min on text": (lambda r: _item(r, "phone").update(min=1), "'min'/'max' only apply to integer"),
    "choices on integer": (
        lambda r: _item(r, "age").update(choices="problems"), "type integer takes no 'choices'"
    ),
    "bad item code": (lambda r: _item(r, "age").update(code="Age"), "invalid code 'Age'"),
    "empty section": (lambda r: r["sections"][1].update(items=[]), "a section needs a non-empty list"),
    "required not bool": (lambda r: _item(r, "age").update(required="yes"), "'required' must be true"),
    "bad date": (lambda r: r.update(effective_date="2026-13-01"), "invalid date '2026-13-01'"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_problem_is_reported_with_location(raw, name):
    mutate, expected = MUTATIONS[name]
    mutate(raw)
    with pytest.raises(QuestionnaireError) as info:
        build_questionnaire(raw, "mini/2026.1.yaml")
    messages = [str(p) for p in info.value.problems]
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("mini/2026.1.yaml: ") for m in messages)


def test_all_problems_are_reported_together(raw):
    raw.pop("title")
    _item(raw, "age")["type"] = "number"
    _item(raw, "problems")["relevant"] = "${nothing} = 1"
    with pytest.raises(QuestionnaireError) as info:
        build_questionnaire(raw, "x")
    assert len(info.value.problems) >= 3
    assert "3 problems found" in str(info.value) or "problems found" in str(info.value)


def test_file_name_must_match_code_and_version(tmp_path, mini_file):
    wrong = tmp_path / "other" / "2026.2.yaml"
    wrong.parent.mkdir()
    wrong.write_text(mini_file.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_file(wrong)
    text = str(info.value)
    assert "does not match version '2026.1'" in text and "does not match code 'mini'" in text


def test_labels_are_normalised_to_nfc(raw):
    decomposed = "Ho\u0302\u0300 so\u031b"  # "Hồ sơ" written with combining marks
    raw["title"]["vi"] = decomposed
    assert build_questionnaire(raw).title.get("vi") == "Hồ sơ"


def test_scores_apply_the_rules(mini_file):
    q = load_file(mini_file)
    assert q.item("overall").score.apply(5) == 1.0
    assert q.item("overall").score.apply(3) == 0.0
    assert q.item("overall").score.apply(None) is None


def test_only_an_unscored_custom_questionnaire_may_have_no_index(raw):
    raw.pop("dimensions")
    with pytest.raises(QuestionnaireError) as info:
        build_questionnaire(raw)
    text = str(info.value)
    assert "missing required key 'dimensions' (a sipas questionnaire has an index)" in text
    assert "item 'overall': is scored, but the questionnaire has no 'dimensions' tree" in text
    raw["family"] = "custom"
    for section in raw["sections"]:
        for item in section["items"]:
            item.pop("score", None), item.pop("dimension", None)
    q = build_questionnaire(raw)
    assert q.dimensions is None
    with pytest.raises(KeyError):
        q.node("mini")


def test_section_hint_is_optional_and_kept(raw):
    raw["sections"][1]["hint"] = {"vi": "Phần này hỏi về Ông/Bà", "en": "About you"}
    q = build_questionnaire(raw)
    assert q.sections[1].hint.get("en") == "About you" and q.sections[0].hint is None
    raw["sections"][1]["hint"] = "text"
    with pytest.raises(QuestionnaireError, match="section 'about' hint: label must be a mapping"):
        build_questionnaire(raw)
