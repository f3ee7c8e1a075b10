"""The kiosk's JavaScript evaluator runs every shared expression vector in headless Chromium."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from survey.domain.expressions import parse

ROOT = Path(__file__).resolve().parents[2]
EVALUATOR = ROOT / "kiosk" / "static" / "js" / "expressions.js"
CASES = json.loads((ROOT / "tests" / "data" / "expression_vectors.json").read_text("utf-8"))["cases"]
SPECIAL = ("NaN", "Infinity", "-Infinity")

RUN_ALL = """cases => cases.map(c => {
  try {
    const value = c.hasCurrent
      ? HailongExpressions.evaluate(c.tree, c.answers, c.current)
      : HailongExpressions.evaluate(c.tree, c.answers);
    const finite = typeof value !== 'number' || Number.isFinite(value);
    return {id: c.id, type: typeof value, value: finite ? value : String(value)};
  } catch (error) {
    return {id: c.id, type: 'error', value: error.name + ': ' + error.message};
  }
})"""


def _expected(expect: Any) -> tuple[str, Any]:
    """Tag an expected value with its JavaScript type, reading NaN/Infinity strings as numbers."""
    if isinstance(expect, bool):
        return ("boolean", expect)
    if isinstance(expect, int | float):
        return ("number", float(expect))
    if expect in SPECIAL:
        return ("number", expect)
    return ("string", expect)


def _result(outcome: dict[str, Any]) -> tuple[str, Any]:
    """Tag what JavaScript returned, numbers as floats."""
    value = outcome["value"]
    if outcome["type"] == "number" and value not in SPECIAL:
        value = float(value)
    return (outcome["type"], value)


@pytest.fixture(scope="module")
def js_page(browser):
    """Return a blank page with the evaluator loaded."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>vectors</title>")
    page.add_script_tag(path=str(EVALUATOR))
    yield page
    context.close()


def test_every_vector_agrees_with_the_documented_result(js_page) -> None:
    cases = [c for c in CASES if not c.get("error")]
    payload = [
        {"id": c["id"], "tree": parse(c["expr"]), "answers": c["answers"],
         "hasCurrent": "current" in c, "current": c.get("current")}
        for c in cases
    ]
    outcomes = {o["id"]: _result(o) for o in js_page.evaluate(RUN_ALL, payload)}
    wrong = {
        c["id"]: (outcomes[c["id"]], _expected(c["expect"]))
        for c in cases if outcomes[c["id"]] != _expected(c["expect"])
    }
    assert len(cases) >= 350
    assert wrong == {}


@pytest.mark.parametrize("tree", [
    {"type": "call", "name": "eval", "args": []},
    {"type": "num", "value": -1},
    {"type": "num", "value": "1"},
    {"type": "ref", "code": "a b"},
    {"type": "arith", "op": "**", "left": {"type": "num", "value": 1}, "right": {"type": "num", "value": 2}},
    {"type": "and", "args": [{"type": "num", "value": 1}]},
    {"type": "call", "name": "round", "args": []},
    {"type": "str", "value": "x", "extra": 1},
    {"type": "__proto__"},
    ["num", 1],
])
def test_a_malformed_tree_raises_expression_error(js_page, tree) -> None:
    outcome = js_page.evaluate(RUN_ALL, [{"id": "t", "tree": tree, "answers": {}, "hasCurrent": False}])
    assert outcome[0]["type"] == "error"
    assert outcome[0]["value"].startswith("ExpressionError: malformed syntax tree")


def test_a_tree_deeper_than_the_limit_is_refused(js_page) -> None:
    tree: dict[str, Any] = {"type": "num", "value": 1}
    for _ in range(100):
        tree = {"type": "neg", "arg": tree}
    # Sent as text: Playwright's own argument serialisation does not go a hundred levels deep.
    outcome = js_page.evaluate(
        "text => { try { HailongExpressions.evaluate(JSON.parse(text), {}); return 'no error'; }"
        " catch (error) { return error.name + ': ' + error.message; } }",
        json.dumps(tree),
    )
    assert outcome.startswith("ExpressionError: expression is nested too deeply")


def test_dot_without_a_current_answer_raises(js_page) -> None:
    outcome = js_page.evaluate(RUN_ALL, [{"id": "t", "tree": parse(". > 1"), "answers": {},
                                          "hasCurrent": False}])
    assert outcome[0]["value"].startswith("ExpressionError: '.'")


@pytest.mark.parametrize(("number", "text"), [
    (1e21, "1000000000000000000000"), (1e-7, "0.0000001"), (-1.5e-10, "-0.00000000015"),
    (123456789012345680000.0, "123456789012345680000"), (0.1 + 0.2, "0.30000000000000004"),
    (-0.0, "0"), (2.5e25, "25000000000000000000000000"), (1.2345e-5, "0.000012345"),
])
def test_numbers_are_written_without_exponent(js_page, number, text) -> None:
    assert js_page.evaluate("n => HailongExpressions.numberToString(n)", number) == text
    assert not math.isnan(number)
