"""Write a syntax tree back as expression text (for XLSForm export and for people)."""

from __future__ import annotations

from typing import Any

from survey.domain.expressions.coercion import number_to_string
from survey.domain.expressions.errors import ExpressionError
from survey.domain.expressions.tree import check_tree

# Binding strength of each node kind; operands that bind more loosely get parentheses.
_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
_UNARY = 7
_ATOM = 8


def to_text(tree: Any) -> str:
    """Return canonical text for ``tree``, so that ``parse(to_text(parse(s))) == parse(s)``."""
    check_tree(tree)
    return _write(tree)[0]


def _write(node: dict[str, Any]) -> tuple[str, int]:
    """Return the text of ``node`` and how tightly it binds."""
    kind = node["type"]
    if kind == "num":
        return number_to_string(float(node["value"])), _ATOM
    if kind == "str":
        return _quote(node["value"]), _ATOM
    if kind == "ref":
        return "${" + node["code"] + "}", _ATOM
    if kind == "self":
        return ".", _ATOM
    if kind == "neg":
        operand = _operand(node["arg"], _UNARY)
        return "-" + (f"({operand})" if operand.startswith("-") else operand), _UNARY
    if kind in ("and", "or"):
        level = _PRECEDENCE[kind]
        return f" {kind} ".join(_operand(arg, level + 1) for arg in node["args"]), level
    if kind == "call":
        return f"{node['name']}({', '.join(_write(arg)[0] for arg in node['args'])})", _ATOM
    level = _PRECEDENCE[node["op"]]
    # Left-associative: a left operand of equal strength needs no parentheses, except that
    # comparisons of one level cannot be chained.
    left_level = level + 1 if kind == "cmp" else level
    left = _operand(node["left"], left_level)
    right = _operand(node["right"], level + 1)
    return f"{left} {node['op']} {right}", level


def _operand(node: dict[str, Any], least: int) -> str:
    """Write ``node``, in parentheses if it binds more loosely than ``least``."""
    text, level = _write(node)
    return text if level >= least else f"({text})"


def _quote(value: str) -> str:
    """Quote a string literal; XPath 1.0 has no escapes, so one kind of quote must be unused."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ExpressionError("a string holding both ' and \" cannot be written as a literal")
