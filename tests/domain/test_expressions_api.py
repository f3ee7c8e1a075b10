"""The public API of the expression language: references, uses_self, truthy, evaluate, to_text."""

from __future__ import annotations

import math
import subprocess
import sys
from types import MappingProxyType

import pytest

from survey.domain.expressions import (
    ExpressionError,
    evaluate,
    parse,
    references,
    to_text,
    truthy,
    uses_self,
)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("1 + 2", set()),
        ("${a}", {"a"}),
        ("${a} = 1 and ${b} != ${a}", {"a", "b"}),
        ("if(selected(${m}, 'x'), count-selected(${n}), -${o})", {"m", "n", "o"}),
        (". > ${max}", {"max"}),
    ],
)
def test_references_lists_every_item_read(text, codes):
    assert references(parse(text)) == codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".", True),
        ("count-selected(.) <= 2", True),
        ("if(1, 2, -.)", True),
        ("${a} > 1", False),
        ("'.'", False),
        (".5 > 0", False),
    ],
)
def test_uses_self_finds_the_current_answer(text, expected):
    assert uses_self(parse(text)) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        ("", False),
        ("no", True),
        ("false", True),
        (" ", True),
        (0, False),
        (0.0, False),
        (-0.0, False),
        (math.nan, False),
        (math.inf, True),
        (-1, True),
        (3, True),
        ([], False),
        (["a"], True),
        (True, True),
        (False, False),
    ],
)
def test_truthy_follows_xpath_boolean(value, expected):
    assert truthy(value) is expected


def test_results_have_python_types():
    assert evaluate(parse("${n}"), {"n": 3}) == 3.0
    assert type(evaluate(parse("${n}"), {"n": 3})) is float
    assert type(evaluate(parse("1 = 1"), {})) is bool
    assert type(evaluate(parse("${m}"), {"m": ("a", "b")})) is str


def test_current_is_required_only_when_dot_is_read():
    with pytest.raises(ExpressionError, match="only be used in a constraint"):
        evaluate(parse(". > 1"), {})
    assert evaluate(parse(". > 1"), {}, current=None) is False
    assert evaluate(parse("${a} > 1"), {"a": 2}) is True


@pytest.mark.parametrize("answer", [{"x": 1}, [1, 2], {1, 2}, b"yes", object(), 10**400])
def test_answers_of_unsupported_types_are_refused(answer):
    with pytest.raises(ExpressionError, match="answer to 'a'"):
        evaluate(parse("${a} = 1"), {"a": answer})
    with pytest.raises(ExpressionError, match="answer to '.'"):
        evaluate(parse(". = 1"), {}, current=answer)


def test_answers_are_read_not_changed():
    answers = MappingProxyType({"m": ["a", "b"], "n": 1})
    assert evaluate(parse("selected(${m}, 'b') and ${n} = 1"), answers) is True
    assert answers["m"] == ["a", "b"]


def test_unread_answers_of_any_type_do_no_harm():
    assert evaluate(parse("${a} = 1"), {"a": 1, "other": object()}) is True


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("${age}>=18 and ${used}='yes'", "${age} >= 18 and ${used} = 'yes'"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("1 + (2 * 3)", "1 + 2 * 3"),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("(1 - 2) - 3", "1 - 2 - 3"),
        ("(${a} or ${b}) and ${c}", "(${a} or ${b}) and ${c}"),
        ("${a} or (${b} and ${c})", "${a} or ${b} and ${c}"),
        ("(1 = 1) = 1", "(1 = 1) = 1"),
        ("1 = (1 = 1)", "1 = (1 = 1)"),
        ("(1 < 2) = (2 < 3)", "1 < 2 = 2 < 3"),
        ("- -1", "-(-1)"),
        ("-(1 + 2)", "-(1 + 2)"),
        ('"it\'s"', '"it\'s"'),
        ("'say \"hi\"'", "'say \"hi\"'"),
        ("2.50", "2.5"),
        ("1.", "1"),
        (".25", "0.25"),
        ("1000000000000000000000", "1000000000000000000000"),
        ("0.0000001", "0.0000001"),
        ("count-selected( . )<=2", "count-selected(.) <= 2"),
        ("if(${a},1,round(2.5))", "if(${a}, 1, round(2.5))"),
        ("true()", "true()"),
    ],
)
def test_to_text_writes_canonical_text(text, canonical):
    assert to_text(parse(text)) == canonical
    assert parse(canonical) == parse(text)


def test_to_text_refuses_a_string_holding_both_quotes():
    with pytest.raises(ExpressionError, match="both"):
        to_text({"type": "str", "value": 'it\'s "x"'})


def test_to_text_refuses_malformed_trees():
    with pytest.raises(ExpressionError, match="malformed"):
        to_text({"type": "call", "name": "exec", "args": []})


def test_importing_the_language_loads_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, survey.domain.expressions as e; e.evaluate(e.parse('1 = 1'), {}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
