"""Run the shared test vectors (tests/data/expression_vectors.json) through parser and evaluator.

The same file is run by the kiosk's JavaScript evaluator, so this test also guards the file's
format and its coverage of the semantics docs/expressions.md pins down.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from survey.domain.expressions import ExpressionError, evaluate, parse, to_text

VECTORS = Path(__file__).resolve().parents[1] / "data" / "expression_vectors.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _encode(value: Any) -> Any:
    """Write a result the way the vector file writes expected values, keeping its type."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, float):
        if math.isnan(value):
            return ("number", "NaN")
        if math.isinf(value):
            return ("number", "Infinity" if value > 0 else "-Infinity")
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    raise AssertionError(f"evaluate returned {type(value).__name__}")


def _expected(expect: Any) -> Any:
    """Tag an expected value with its type, reading the NaN/Infinity strings as numbers."""
    if isinstance(expect, bool):
        return ("boolean", expect)
    if isinstance(expect, int | float):
        return ("number", float(expect))
    if expect in SPECIAL:
        return ("number", expect)
    return ("string", expect)


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("error")], ids=lambda c: c["id"])
def test_vector_evaluates_to_expected(case: dict[str, Any]) -> None:
    tree = parse(case["expr"])
    kwargs = {"current": case["current"]} if "current" in case else {}
    assert _encode(evaluate(tree, case["answers"], **kwargs)) == _expected(case["expect"])


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("error")], ids=lambda c: c["id"])
def test_vector_survives_json_and_text_round_trip(case: dict[str, Any]) -> None:
    tree = parse(case["expr"])
    assert json.loads(json.dumps(tree, allow_nan=False)) == tree
    assert parse(to_text(tree)) == tree


@pytest.mark.parametrize("case", [c for c in CASES if c.get("error")], ids=lambda c: c["id"])
def test_vector_is_refused(case: dict[str, Any]) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(case["expr"])
    assert raised.value.position is None or 0 <= raised.value.position <= len(case["expr"])


def test_vector_file_is_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(CASES) >= 200
    assert len(set(ids)) == len(ids)
    allowed = {"id", "expr", "answers", "current", "expect", "error", "note"}
    for case in CASES:
        assert set(case) <= allowed, case["id"]
        if case.get("error"):
            assert case["error"] is True and "expect" not in case and "answers" not in case
        else:
            assert "expect" in case and isinstance(case["answers"], dict), case["id"]


def test_vectors_cover_every_pinned_semantic_several_times() -> None:
    families = Counter(case["id"].split("-")[0] for case in CASES)
    for family in (
        "unans",
        "coerce",
        "number",
        "arith",
        "mod",
        "div0",
        "neg",
        "cmp",
        "logic",
        "multi",
        "yesno",
        "date",
        "if",
        "strlen",
        "text",
        "int",
        "round",
        "coalesce",
        "self",
    ):
        assert families[family] >= 5, family
    assert families["err"] >= 40
