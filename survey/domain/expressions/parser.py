"""Parse expression text into the JSON syntax tree (recursive descent, XPath 1.0 precedence).

Grammar, loosest binding first; every binary operator is left-associative, ``and``/``or``
chains become one node with all operands, and comparisons of one level cannot be chained::

    expr     := and ("or" and)*
    and      := equality ("and" equality)*
    equality := relation (("=" | "!=") relation)?
    relation := additive (("<" | "<=" | ">" | ">=") additive)?
    additive := term (("+" | "-") term)*
    term     := unary (("*" | "div" | "mod") unary)*
    unary    := "-" unary | primary
    primary  := number | string | "${" code "}" | "." | "(" expr ")"
              | name "(" [expr ("," expr)*] ")"
"""

from __future__ import annotations

import math
from typing import Any

from survey.domain.expressions.coercion import to_number
from survey.domain.expressions.errors import ExpressionError
from survey.domain.expressions.functions import FUNCTIONS
from survey.domain.expressions.lexer import Token, tokenize
from survey.domain.expressions.limits import MAX_NESTING
from survey.domain.expressions.tree import check_tree, number_node

Node = dict[str, Any]
_KEYWORDS = ("and", "or", "div", "mod")


def parse(text: str) -> Node:
    """Parse ``text`` into its syntax tree, or raise ExpressionError saying where and why."""
    parser = _Parser(tokenize(text))
    if parser.peek().kind == "end":
        raise ExpressionError("empty expression", 0)
    tree = parser.expression()
    if parser.peek().kind != "end":
        raise _unexpected(parser.peek())
    check_tree(tree)
    return tree


class _Parser:
    """Consume a token list, one grammar rule per method."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.nesting = 0

    def peek(self) -> Token:
        """Return the next token without consuming it."""
        return self.tokens[self.index]

    def take(self) -> Token:
        """Consume and return the next token."""
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        """Tell whether the next token has this kind and, if given, one of these texts."""
        token = self.peek()
        return token.kind == kind and (not texts or token.text in texts)

    def enter(self, token: Token) -> None:
        """Count one more level of nesting, refusing to go past MAX_NESTING."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExpressionError(
                f"expression is nested too deeply (more than {MAX_NESTING} levels)", token.position
            )

    def expression(self) -> Node:
        """Parse ``expr``."""
        return self.chain("or", self.conjunction)

    def conjunction(self) -> Node:
        """Parse ``and``."""
        return self.chain("and", self.equality)

    def chain(self, keyword: str, operand: Any) -> Node:
        """Parse operands joined by ``keyword`` into one flat n-ary node."""
        first = operand()
        if not self.at("name", keyword):
            return first
        args = _flatten(keyword, first)
        while self.at("name", keyword):
            self.take()
            args.extend(_flatten(keyword, operand()))
        return {"type": keyword, "args": args}

    def equality(self) -> Node:
        """Parse ``equality``."""
        return self.comparison(("=", "!="), self.relation)

    def relation(self) -> Node:
        """Parse ``relation``."""
        return self.comparison(("<", "<=", ">", ">="), self.additive)

    def comparison(self, operators: tuple[str, ...], operand: Any) -> Node:
        """Parse at most one comparison of this level; a second one is an error."""
        left = operand()
        if not self.at("op", *operators):
            return left
        op = self.take().text
        right = operand()
        if self.at("op", *operators):
            raise ExpressionError(
                f"comparisons cannot be chained: join them with 'and' or use parentheses "
                f"before {self.peek().text!r}",
                self.peek().position,
            )
        return {"type": "cmp", "op": op, "left": left, "right": right}

    def additive(self) -> Node:
        """Parse ``additive``."""
        left = self.term()
        while self.at("op", "+", "-"):
            op = self.take().text
            left = {"type": "arith", "op": op, "left": left, "right": self.term()}
        return left

    def term(self) -> Node:
        """Parse ``term``."""
        left = self.unary()
        while self.at("op", "*") or self.at("name", "div", "mod"):
            op = self.take().text
            left = {"type": "arith", "op": op, "left": left, "right": self.unary()}
        return left

    def unary(self) -> Node:
        """Parse ``unary``."""
        if not self.at("op", "-"):
            return self.primary()
        self.enter(self.take())
        node = {"type": "neg", "arg": self.unary()}
        self.nesting -= 1
        return node

    def primary(self) -> Node:
        """Parse ``primary``."""
        token = self.take()
        if token.kind == "num":
            return _number(token)
        if token.kind == "str":
            return {"type": "str", "value": token.text}
        if token.kind == "ref":
            return {"type": "ref", "code": token.text}
        if token.kind == "self":
            return {"type": "self"}
        if token.kind == "(":
            self.enter(token)
            node = self.expression()
            self.close(token, "')'")
            return node
        if token.kind == "name" and token.text not in _KEYWORDS:
            return self.call(token)
        raise _unexpected(token)

    def call(self, name: Token) -> Node:
        """Parse a function call whose name has just been read."""
        function = FUNCTIONS.get(name.text)
        if not self.at("("):
            raise ExpressionError(
                f"unknown name {name.text!r}: refer to items as ${{{name.text}}}"
                if function is None
                else f"function {name.text!r} must be called with parentheses",
                name.position,
            )
        if function is None:
            hint = (
                f" (did you mean {name.text.lower()!r}?)" if name.text.lower() in FUNCTIONS else ""
            )
            raise ExpressionError(f"unknown function {name.text!r}{hint}", name.position)
        opening = self.take()
        self.enter(opening)
        args: list[Node] = []
        if not self.at(")"):
            args.append(self.expression())
            while self.at(","):
                self.take()
                args.append(self.expression())
        self.close(opening, "',' or ')'")
        if not function.min_args <= len(args) <= function.max_args:
            raise ExpressionError(
                f"function {name.text!r} takes {_arity(function.min_args, function.max_args)}, "
                f"got {len(args)}",
                name.position,
            )
        node = {"type": "call", "name": name.text, "args": args}
        if name.text == "date":
            _check_date_literal(args[0], opening)
        return node

    def close(self, opening: Token, expected: str) -> None:
        """Consume the ')' matching ``opening``."""
        if not self.at(")"):
            token = self.peek()
            raise ExpressionError(
                f"expected {expected} to close the '(' at column {opening.position + 1}, "
                f"found {_describe(token)}",
                token.position,
            )
        self.take()
        self.nesting -= 1


def _flatten(keyword: str, node: Node) -> list[Node]:
    """Return the operands ``node`` contributes to an ``and``/``or`` chain."""
    return list(node["args"]) if node["type"] == keyword else [node]


def _number(token: Token) -> Node:
    """Build a number literal, refusing one too large for a double."""
    value = float(token.text)
    if math.isinf(value):
        raise ExpressionError(f"number {token.text[:20]}... is too large", token.position)
    return number_node(value)


def _check_date_literal(arg: Node, opening: Token) -> None:
    """Refuse ``date('...')`` on a literal that is not a valid date, at parse time."""
    if arg["type"] == "str" and math.isnan(to_number(arg["value"])):
        raise ExpressionError(
            f"invalid date {arg['value']!r}: write dates as 'YYYY-MM-DD'", opening.position + 1
        )


def _unexpected(token: Token) -> ExpressionError:
    """Build the error for a token that cannot stand where it is, with a hint for common slips."""
    message = f"unexpected {_describe(token)}"
    if token.kind == "name" and token.text.lower() in _KEYWORDS + ("not",):
        message += f" (operators are written in lower case: {token.text.lower()!r})"
    elif token.kind == "op" and token.text == "=":
        message += " (equality is a single '=')"
    return ExpressionError(message, token.position)


def _arity(least: int, most: int) -> str:
    """Describe an accepted argument count."""
    if least == most:
        return f"{least} argument" + ("" if least == 1 else "s")
    return f"{least} or {most} arguments" if most == least + 1 else f"{least} to {most} arguments"


def _describe(token: Token) -> str:
    """Name a token in an error message."""
    if token.kind == "end":
        return "end of expression"
    if token.kind == "num":
        return f"number {token.text}"
    if token.kind == "str":
        text = token.text if len(token.text) <= 20 else token.text[:17] + "..."
        return f"string {text!r}"
    if token.kind == "ref":
        return f"${{{token.text}}}"
    if token.kind == "name" and token.text in _KEYWORDS:
        return f"operator {token.text!r}"
    return repr(token.text)
