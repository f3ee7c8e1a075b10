"""Parser of the expression language: node shapes, precedence, associativity, errors, limits."""

from __future__ import annotations

import json
import sys

import pytest

from survey.domain.expressions import ExpressionError, check_tree, evaluate, parse
from survey.domain.expressions.limits import MAX_DEPTH, MAX_LENGTH, MAX_NESTING

NUM = {"type": "num", "value": 1}
TWO = {"type": "num", "value": 2}
THREE = {"type": "num", "value": 3}
A = {"type": "ref", "code": "a"}
B = {"type": "ref", "code": "b"}
C = {"type": "ref", "code": "c"}


def arith(op, left, right):
    return {"type": "arith", "op": op, "left": left, "right": right}


def cmp(op, left, right):
    return {"type": "cmp", "op": op, "left": left, "right": right}


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("1", NUM),
        ("2.5", {"type": "num", "value": 2.5}),
        ("1.0", NUM),
        ("'x'", {"type": "str", "value": "x"}),
        ('"x"', {"type": "str", "value": "x"}),
        ("${a}", A),
        (".", {"type": "self"}),
        ("-1", {"type": "neg", "arg": NUM}),
        ("1 + 2", arith("+", NUM, TWO)),
        ("1 div 2", arith("div", NUM, TWO)),
        ("1 mod 2", arith("mod", NUM, TWO)),
        ("${a} != 1", cmp("!=", A, NUM)),
        ("${a} >= 1", cmp(">=", A, NUM)),
        ("${a} and ${b}", {"type": "and", "args": [A, B]}),
        ("${a} or ${b}", {"type": "or", "args": [A, B]}),
        ("not(${a})", {"type": "call", "name": "not", "args": [A]}),
        ("true()", {"type": "call", "name": "true", "args": []}),
        ("count-selected(${a})", {"type": "call", "name": "count-selected", "args": [A]}),
    ],
)
def test_every_node_type_has_its_documented_shape(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("1 + 2 * 3", arith("+", NUM, arith("*", TWO, THREE))),
        ("1 * 2 + 3", arith("+", arith("*", NUM, TWO), THREE)),
        ("-1 * 2", arith("*", {"type": "neg", "arg": NUM}, TWO)),
        ("1 + 2 < 3", cmp("<", arith("+", NUM, TWO), THREE)),
        ("1 < 2 = 2 < 3", cmp("=", cmp("<", NUM, TWO), cmp("<", TWO, THREE))),
        ("${a} = 1 and ${b}", {"type": "and", "args": [cmp("=", A, NUM), B]}),
        ("${a} or ${b} and ${c}", {"type": "or", "args": [A, {"type": "and", "args": [B, C]}]}),
        ("(${a} or ${b}) and ${c}", {"type": "and", "args": [{"type": "or", "args": [A, B]}, C]}),
    ],
)
def test_precedence_follows_xpath(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("1 - 2 - 3", arith("-", arith("-", NUM, TWO), THREE)),
        ("1 div 2 div 3", arith("div", arith("div", NUM, TWO), THREE)),
        ("1 mod 2 * 3", arith("*", arith("mod", NUM, TWO), THREE)),
        ("1 - (2 - 3)", arith("-", NUM, arith("-", TWO, THREE))),
        ("(1 = 2) = 3", cmp("=", cmp("=", NUM, TWO), THREE)),
    ],
)
def test_binary_operators_associate_to_the_left(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text", ["${a} or ${b} or ${c}", "${a} or (${b} or ${c})", "(${a} or ${b}) or ${c}"]
)
def test_or_chains_become_one_flat_node(text):
    assert parse(text) == {"type": "or", "args": [A, B, C]}


def test_same_text_gives_the_same_small_json_tree():
    text = "${age} >= 18 and ${used_service} = 'yes'"
    first, second = parse(text), parse("  ${age}>=18   and\n${used_service}='yes' ")
    assert first == second == parse(text)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert len(json.dumps(first, separators=(",", ":"))) <= 6 * len(text)


def test_large_integral_literals_stay_floats_in_json():
    assert parse("9007199254740992") == {"type": "num", "value": 9007199254740992.0}
    assert parse("9007199254740991") == {"type": "num", "value": 9007199254740991}


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty expression"),
        ("${a} >", 6, "unexpected end of expression"),
        ("${a} > > 1", 7, "unexpected '>'"),
        ("'abc", 0, "unterminated string"),
        ('1 + "abc', 4, "unterminated string"),
        ("round(1, 2, 3)", 0, "takes 1 or 2 arguments, got 3"),
        ("if(1)", 0, "takes 3 arguments, got 1"),
        ("foo(1)", 0, "unknown function 'foo'"),
        ("Not(1)", 0, "did you mean 'not'"),
        ("1 + (2 * 3", 10, "to close the '(' at column 5"),
        ("selected(${m} 'a')", 14, "expected ',' or ')'"),
        ("${a} = 1 = 2", 9, "cannot be chained"),
        ("${a} > 1 or ${b}.x", 16, "unexpected '.'"),
        ("age = 1", 0, "refer to items as ${age}"),
        ("1 & 2", 2, "unexpected character '&'"),
        ("${a", 3, "not closed"),
        ("date('2020-02-30')", 5, "invalid date"),
    ],
)
def test_errors_say_what_and_where(text, position, fragment):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.position == position
    assert fragment in str(raised.value)
    assert f"column {position + 1}" in str(raised.value)


def test_nesting_up_to_the_limit_is_accepted_and_beyond_refused():
    inside = "(" * MAX_NESTING + "1" + ")" * MAX_NESTING
    assert parse(inside) == NUM
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" + inside + ")")
    assert parse("-" * MAX_NESTING + "1")["type"] == "neg"
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-" * (MAX_NESTING + 1) + "1")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("not(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1))


def test_tree_depth_is_limited_even_without_parentheses():
    assert evaluate(parse(" + ".join(["1"] * (MAX_DEPTH - 1))), {}) == MAX_DEPTH - 1
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse(" + ".join(["1"] * (MAX_DEPTH + 1)))


def test_long_or_chains_stay_shallow():
    text = " or ".join(f"selected(${{m}}, 'c{i}')" for i in range(150))
    assert len(text) < MAX_LENGTH
    assert len(parse(text)["args"]) == 150


def test_length_is_limited():
    text = "1" + " + 1" * (MAX_LENGTH // 4)
    with pytest.raises(ExpressionError, match="too long"):
        parse(text)
    with pytest.raises(ExpressionError, match="too long"):
        parse("'" + "x" * 1_000_000 + "'")


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('id')",
        "${a}.__class__",
        "${a}.__class__.__mro__",
        "().__class__",
        "[x for x in ()]",
        "{}",
        "{'a': 1}",
        "lambda: 0",
        "getattr(${a}, 'x')",
        "globals()",
        "${a}; import os",
        "1 if 1 else 0",
        "'a' 'b'",
        "`id`",
        "\x00",
        "${a}\x00",
        "${__class__}.x",
        "self.__dict__",
        "(" * 10_000,
        "(" * 3000 + "1" + ")" * 3000,
        "-" * 3000 + "1",
        "not(" * 500 + "1" + ")" * 500,
        "1" * 5000,
    ],
)
def test_malicious_input_is_refused_with_expression_error(text):
    with pytest.raises(ExpressionError):
        parse(text)


@pytest.mark.parametrize("value", [None, b"1", 1, ["1"], {"type": "num", "value": 1}])
def test_non_text_is_refused(value):
    with pytest.raises(ExpressionError, match="must be text"):
        parse(value)


@pytest.mark.parametrize(
    "tree",
    [
        None,
        [],
        "1",
        {"type": "eval", "value": "1"},
        {"type": "num", "value": 1, "extra": True},
        {"type": "num", "value": True},
        {"type": "num", "value": -1},
        {"type": "num", "value": float("nan")},
        {"type": "num", "value": float("inf")},
        {"type": "num", "value": 10**400},
        {"type": "num", "value": "1"},
        {"type": "str", "value": 1},
        {"type": "ref", "code": "a} or ${b"},
        {"type": "ref", "code": ""},
        {"type": "arith", "op": "**", "left": NUM, "right": NUM},
        {"type": "cmp", "op": "==", "left": NUM, "right": NUM},
        {"type": "and", "args": [NUM]},
        {"type": "or", "args": "ab"},
        {"type": "call", "name": "__import__", "args": [{"type": "str", "value": "os"}]},
        {"type": "call", "name": "round", "args": []},
        {"type": "call", "name": ["not"], "args": [NUM]},
        {"type": "neg", "arg": {"type": "self", "x": 1}},
    ],
)
def test_malformed_stored_trees_are_refused(tree):
    with pytest.raises(ExpressionError, match="malformed syntax tree"):
        check_tree(tree)
    with pytest.raises(ExpressionError, match="malformed syntax tree"):
        evaluate(tree, {}, current=1)


def test_very_deep_stored_tree_is_refused_without_recursion_error():
    tree = NUM
    for _ in range(sys.getrecursionlimit() * 3):
        tree = {"type": "neg", "arg": tree}
    with pytest.raises(ExpressionError, match="nested too deeply"):
        evaluate(tree, {})
