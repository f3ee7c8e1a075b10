"""Property tests of the expression language against independent references.

References: IEEE 754 arithmetic as numpy implements it (``np.divide``, ``np.fmod``), Python's
``float()`` for decimal numerals, ``datetime.date`` for day numbers, and round trips.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from survey.domain.expressions import (
    ExpressionError,
    check_tree,
    evaluate,
    parse,
    references,
    to_text,
)
from survey.domain.expressions.coercion import number_to_string
from survey.domain.expressions.functions import FUNCTIONS

CODES = st.sampled_from(["a", "b", "q1", "used_service", "x.y-z"])
ANY_DOUBLE = st.floats(allow_nan=True, allow_infinity=True)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def _same_number(result: float, reference: float) -> bool:
    """Compare two doubles, NaN equal to NaN, zero signs ignored."""
    return (math.isnan(result) and math.isnan(reference)) or result == reference


def _leaves() -> st.SearchStrategy:
    """Literals, references and '.' as tree nodes."""
    numbers = st.one_of(
        st.integers(0, 2**53 - 1),
        st.floats(min_value=0, allow_nan=False, allow_infinity=False).filter(
            lambda x: not x.is_integer() or x >= 2**53
        ),
    ).map(lambda value: {"type": "num", "value": value})
    texts = st.text(st.characters(codec="utf-8", exclude_characters='"'), max_size=8)
    return st.one_of(
        numbers,
        texts.map(lambda value: {"type": "str", "value": value}),
        CODES.map(lambda code: {"type": "ref", "code": code}),
        st.just({"type": "self"}),
    )


def _branches(children: st.SearchStrategy) -> st.SearchStrategy:
    """Operators and calls over smaller trees."""

    def junction(kind: str) -> st.SearchStrategy:
        return st.lists(
            children.filter(lambda node: node["type"] != kind), min_size=2, max_size=4
        ).map(lambda args: {"type": kind, "args": args})

    calls = st.sampled_from(sorted(FUNCTIONS)).flatmap(
        lambda name: st.lists(
            children, min_size=FUNCTIONS[name].min_args, max_size=FUNCTIONS[name].max_args
        ).map(lambda args: {"type": "call", "name": name, "args": args})
    )
    return st.one_of(
        children.map(lambda arg: {"type": "neg", "arg": arg}),
        st.tuples(st.sampled_from(["+", "-", "*", "div", "mod"]), children, children).map(
            lambda t: {"type": "arith", "op": t[0], "left": t[1], "right": t[2]}
        ),
        st.tuples(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), children, children).map(
            lambda t: {"type": "cmp", "op": t[0], "left": t[1], "right": t[2]}
        ),
        junction("and"),
        junction("or"),
        calls,
    )


TREES = st.recursive(_leaves(), _branches, max_leaves=25)
ANSWERS = st.dictionaries(
    CODES,
    st.one_of(
        st.none(),
        st.integers(-(10**6), 10**6),
        FINITE,
        st.text(max_size=6),
        st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
        st.sampled_from(["yes", "no"]),
        st.dates().map(dt.date.isoformat),
    ),
)


def _without_date_literals(tree: dict) -> bool:
    """Tell whether a tree avoids date('...') on an invalid literal, which the parser refuses."""
    text = json.dumps(tree)
    return '"name": "date"' not in text


@settings(max_examples=400)
@given(TREES)
def test_text_round_trip_gives_back_the_tree(tree):
    assume(_without_date_literals(tree))
    text = to_text(tree)
    assert parse(text) == tree
    assert to_text(parse(text)) == text


@settings(max_examples=300)
@given(TREES, ANSWERS, st.one_of(st.none(), FINITE, st.text(max_size=4)))
def test_any_well_formed_tree_evaluates_without_crashing(tree, answers, current):
    result = evaluate(tree, answers, current=current)
    assert isinstance(result, bool | float | str)
    assert references(tree) == set(_codes_in(tree))


def _codes_in(node: object) -> list[str]:
    """Collect the codes of all ``ref`` nodes by a generic walk over the JSON structure."""
    if isinstance(node, list):
        return [code for item in node for code in _codes_in(item)]
    if isinstance(node, dict):
        own = [node["code"]] if node.get("type") == "ref" else []
        return own + [code for value in node.values() for code in _codes_in(value)]
    return []


@given(st.text(alphabet="${}()'\". ,=!<>+-*abdinorstvmlc0123456789_\n", max_size=40))
def test_arbitrary_text_parses_or_raises_expression_error_only(text):
    try:
        tree = parse(text)
    except ExpressionError as error:
        assert error.position is None or 0 <= error.position <= len(text)
        return
    check_tree(tree)
    assert json.loads(json.dumps(tree, allow_nan=False)) == tree


@given(ANY_DOUBLE, ANY_DOUBLE)
def test_arithmetic_matches_ieee_doubles(a, b):
    answers = {"a": a, "b": b}
    with np.errstate(all="ignore"):
        expected = {
            "+": float(np.add(a, b)),
            "-": float(np.subtract(a, b)),
            "*": float(np.multiply(a, b)),
            "div": float(np.divide(a, b)),
            "mod": float(np.fmod(a, b)),
        }
    for op, reference in expected.items():
        assert _same_number(evaluate(parse(f"${{a}} {op} ${{b}}"), answers), reference), op


@given(ANY_DOUBLE, ANY_DOUBLE)
def test_numeric_comparisons_match_ieee(a, b):
    answers = {"a": a, "b": b}
    assert evaluate(parse("${a} < ${b}"), answers) is (a < b)
    assert evaluate(parse("${a} >= ${b}"), answers) is (a >= b)
    assert evaluate(parse("${a} = ${b}"), answers) is (a == b)
    assert evaluate(parse("${a} != ${b}"), answers) is (a != b)


@given(st.from_regex(r"\A-?([0-9]{1,20}(\.[0-9]{0,20})?|\.[0-9]{1,20})\Z"))
def test_decimal_numerals_convert_like_float(numeral):
    assert evaluate(parse("number(${a})"), {"a": numeral}) == float(numeral)
    assert evaluate(parse("${a} = " + numeral.lstrip("-")), {"a": numeral.lstrip("-")}) is True


@given(st.text(max_size=10).filter(lambda s: any(c not in "0123456789.- \t\r\n" for c in s)))
def test_other_strings_are_not_numbers(text):
    assert math.isnan(evaluate(parse("number(${a})"), {"a": text}))


@given(st.dates())
def test_iso_dates_count_days_from_1970(day):
    expected = (day - dt.date(1970, 1, 1)).days
    assert evaluate(parse("number(${d})"), {"d": day.isoformat()}) == expected
    assert evaluate(parse("${d} + 1 = ${e}"), {"d": day.isoformat(), "e": expected + 1}) is True


@given(st.dates(), st.dates())
def test_date_comparison_matches_calendar_order(first, second):
    answers = {"a": first.isoformat(), "b": second.isoformat()}
    assert evaluate(parse("${a} < ${b}"), answers) is (first < second)
    assert evaluate(parse("${a} - ${b}"), answers) == (first - second).days


@given(FINITE)
def test_numbers_print_like_numpy_positional_shortest_digits(x):
    expected = "0" if x == 0 else np.format_float_positional(x, unique=True, trim="-")
    assert number_to_string(x) == expected
    assert float(number_to_string(x)) == x
    assert evaluate(parse("string-length(${a})"), {"a": x}) == len(expected)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 6))
def test_rounding_lands_within_half_a_unit_on_the_grid(x, places):
    result = evaluate(parse("round(${x}, ${n})"), {"x": x, "n": places})
    assert abs(result - x) <= 10.0**-places / 2 + 1e-9 * max(1.0, abs(x))
    assert Decimal(repr(result)).normalize().as_tuple().exponent >= -places
    assert result == 0 or math.copysign(1, result) == math.copysign(1, x)


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True),
    st.sampled_from(["a", "b", "c", "d"]),
)
def test_selected_and_count_selected_match_list_membership(codes, code):
    answers = {"m": codes, "c": code}
    assert evaluate(parse("selected(${m}, ${c})"), answers) is (code in codes)
    assert evaluate(parse("count-selected(${m})"), answers) == len(codes)
