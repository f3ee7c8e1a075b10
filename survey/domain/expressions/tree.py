"""The JSON syntax tree: its node types, a structural check, and queries over it.

Node types (every node is a dict with a ``type`` key; docs/expressions.md describes each):
``num`` (value), ``str`` (value), ``ref`` (code), ``self``, ``neg`` (arg),
``arith`` (op, left, right), ``cmp`` (op, left, right), ``and`` (args), ``or`` (args),
``call`` (name, args).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from survey.domain.expressions.errors import ExpressionError
from survey.domain.expressions.functions import FUNCTIONS
from survey.domain.expressions.lexer import is_item_code
from survey.domain.expressions.limits import MAX_DEPTH

ARITHMETIC_OPERATORS = ("+", "-", "*", "div", "mod")
COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_MAX_EXACT_INTEGER = 2**53

_KEYS = {
    "num": {"type", "value"},
    "str": {"type", "value"},
    "ref": {"type", "code"},
    "self": {"type"},
    "neg": {"type", "arg"},
    "arith": {"type", "op", "left", "right"},
    "cmp": {"type", "op", "left", "right"},
    "and": {"type", "args"},
    "or": {"type", "args"},
    "call": {"type", "name", "args"},
}


def number_node(value: float) -> dict[str, Any]:
    """Return a ``num`` node, holding integral values as JSON integers."""
    if value.is_integer() and abs(value) < _MAX_EXACT_INTEGER:
        return {"type": "num", "value": int(value)}
    return {"type": "num", "value": value}


def children(node: Any) -> list[dict[str, Any]]:
    """Check one node's shape and return its child nodes."""
    if not isinstance(node, dict) or node.get("type") not in _KEYS:
        raise ExpressionError(f"malformed syntax tree: unknown node {_show(node)}")
    kind = node["type"]
    if set(node) != _KEYS[kind]:
        raise ExpressionError(f"malformed syntax tree: a {kind!r} node has keys {sorted(node)}")
    if kind == "num":
        _check_number(node["value"])
    elif kind == "str" and not isinstance(node["value"], str):
        raise ExpressionError("malformed syntax tree: a 'str' node needs text")
    elif kind == "ref" and not (isinstance(node["code"], str) and is_item_code(node["code"])):
        raise ExpressionError(f"malformed syntax tree: item code {_show(node['code'])}")
    elif kind == "neg":
        return [node["arg"]]
    elif kind in ("arith", "cmp"):
        allowed = ARITHMETIC_OPERATORS if kind == "arith" else COMPARISON_OPERATORS
        if node["op"] not in allowed:
            raise ExpressionError(f"malformed syntax tree: unknown operator {_show(node['op'])}")
        return [node["left"], node["right"]]
    elif kind in ("and", "or"):
        return _arguments(node, 2, None)
    elif kind == "call":
        function = FUNCTIONS.get(node["name"]) if isinstance(node["name"], str) else None
        if function is None:
            raise ExpressionError(f"malformed syntax tree: unknown function {_show(node['name'])}")
        return _arguments(node, function.min_args, function.max_args)
    return []


def check_tree(tree: Any) -> None:
    """Raise ExpressionError unless ``tree`` is a well-formed syntax tree within MAX_DEPTH."""
    for _node in _walk(tree):
        pass


def references(tree: Any) -> set[str]:
    """Return the item codes that ``tree`` reads through ``${code}``."""
    return {node["code"] for node, _depth in _walk(tree) if node["type"] == "ref"}


def uses_self(tree: Any) -> bool:
    """Tell whether ``tree`` reads ``.``, the answer being checked by a constraint."""
    return any(node["type"] == "self" for node, _depth in _walk(tree))


def _walk(tree: Any) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield every node with its depth (1 for the root), checking shapes on the way."""
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression is nested too deeply (more than {MAX_DEPTH} levels)")
        stack.extend((child, depth + 1) for child in reversed(children(node)))
        yield node, depth


def _arguments(node: dict[str, Any], least: int, most: int | None) -> list[dict[str, Any]]:
    """Return a node's ``args`` list after checking its length."""
    args = node["args"]
    if not isinstance(args, list) or len(args) < least or (most is not None and len(args) > most):
        raise ExpressionError(f"malformed syntax tree: wrong arguments in {_show(node)}")
    return args


def _check_number(value: Any) -> None:
    """Accept only the finite, non-negative numbers a literal can denote."""
    if isinstance(value, int) and not isinstance(value, bool):
        valid = 0 <= value < _MAX_EXACT_INTEGER
    else:
        valid = isinstance(value, float) and math.isfinite(value) and value >= 0
    if not valid:
        raise ExpressionError(f"malformed syntax tree: number literal {_show(value)}")


def _show(value: Any) -> str:
    """Describe a piece of a malformed tree briefly."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
