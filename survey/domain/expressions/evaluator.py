"""Evaluate a syntax tree against the answers of one response."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from survey.domain.expressions.coercion import Value, to_boolean, to_number, to_string
from survey.domain.expressions.errors import ExpressionError
from survey.domain.expressions.functions import FUNCTIONS
from survey.domain.expressions.tree import check_tree


class _Unset:
    """Mark that no current answer was given, so ``.`` cannot be read."""

    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()


def evaluate(tree: Any, answers: Mapping[str, Any], *, current: Any = UNSET) -> bool | float | str:
    """Evaluate ``tree`` with ``answers`` (item code -> answer) and ``current`` as ``.``.

    Answers are read as the language's values: ``None`` or a missing code is the empty string;
    ``int`` and ``float`` are numbers; ``str`` is a string; a list of codes (multiple choice) is
    the string of its codes separated by single spaces; ``bool`` is a boolean. The result is a
    ``bool``, a ``float`` or a ``str``.
    """
    check_tree(tree)
    self_value = current if current is UNSET else _answer_value(".", current)
    return _Evaluation(answers, self_value).run(tree)


def truthy(value: Any) -> bool:
    """Turn a result (or an answer) into a boolean the XPath way, as relevant/constraint do."""
    return to_boolean(_answer_value("value", value))


def _answer_value(code: str, answer: Any) -> Value:
    """Convert one Python answer into a value of the language."""
    if answer is None:
        return ""
    if isinstance(answer, bool | str):
        return answer
    if isinstance(answer, int | float):
        try:
            return float(answer)
        except OverflowError:
            raise ExpressionError(f"answer to {code!r} is too large a number") from None
    if isinstance(answer, list | tuple) and all(isinstance(part, str) for part in answer):
        return " ".join(answer)
    raise ExpressionError(f"answer to {code!r} has unsupported type {type(answer).__name__}")


class _Evaluation:
    """Walk a checked tree with one set of answers."""

    def __init__(self, answers: Mapping[str, Any], current: Any) -> None:
        self.answers = answers
        self.current = current

    def run(self, node: dict[str, Any]) -> Value:
        """Return the value of ``node``."""
        kind = node["type"]
        if kind in ("num", "str"):
            return float(node["value"]) if kind == "num" else node["value"]
        if kind == "ref":
            return _answer_value(node["code"], self.answers.get(node["code"]))
        if kind == "self":
            if self.current is UNSET:
                raise ExpressionError("'.' (this answer) can only be used in a constraint")
            return self.current
        if kind == "neg":
            return -to_number(self.run(node["arg"]))
        if kind == "arith":
            return arithmetic(
                node["op"], to_number(self.run(node["left"])), to_number(self.run(node["right"]))
            )
        if kind == "cmp":
            return compare(node["op"], self.run(node["left"]), self.run(node["right"]))
        if kind == "and":
            return all(to_boolean(self.run(arg)) for arg in node["args"])
        if kind == "or":
            return any(to_boolean(self.run(arg)) for arg in node["args"])
        return self.call(node["name"], node["args"])

    def call(self, name: str, args: list[dict[str, Any]]) -> Value:
        """Run a function; ``if``, the one function without ``run``, evaluates one branch only."""
        run = FUNCTIONS[name].run
        if run is None:
            return self.run(args[1] if to_boolean(self.run(args[0])) else args[2])
        return run([self.run(arg) for arg in args])


def arithmetic(op: str, left: float, right: float) -> float:
    """Apply an arithmetic operator with IEEE 754 double semantics, as XPath 1.0 does.

    ``div`` by zero gives +/-Infinity (NaN for 0 div 0); ``mod`` is the truncating remainder
    (C ``fmod``, JavaScript ``%``): its sign is the sign of the dividend.
    """
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "div":
        if right == 0.0:
            if left == 0.0 or math.isnan(left):
                return math.nan
            return math.copysign(math.inf, left) * math.copysign(1.0, right)
        return left / right
    if right == 0.0 or math.isinf(left) or math.isnan(left) or math.isnan(right):
        return math.nan
    if math.isinf(right):
        return left
    return math.fmod(left, right)


def compare(op: str, left: Value, right: Value) -> bool:
    """Compare two values by the rules of XPath 1.0 section 3.4.

    ``=``/``!=``: as booleans if either side is a boolean, else as numbers if either side is a
    number, else as strings. ``<``, ``<=``, ``>``, ``>=``: always as numbers (ISO dates included).
    """
    if op in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = to_boolean(left) == to_boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            equal = to_number(left) == to_number(right)
        else:
            equal = to_string(left) == to_string(right)
        return equal if op == "=" else not equal
    a, b = to_number(left), to_number(right)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b
