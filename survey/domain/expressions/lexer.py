"""Split expression text into tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey.domain.expressions.errors import ExpressionError
from survey.domain.expressions.limits import MAX_CODE_LENGTH, MAX_LENGTH

# Token kinds: "num", "str", "ref", "self", "name", "op", "(", ")", ",", "end".
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*", re.ASCII)
_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*", re.ASCII)
_WHITESPACE = " \t\r\n"
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*")
_PUNCTUATION = "(),"


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text (or decoded value) and its offset in the expression."""

    kind: str
    text: str
    position: int


def is_item_code(text: str) -> bool:
    """Tell whether ``text`` can stand inside ``${...}`` as an item code."""
    return len(text) <= MAX_CODE_LENGTH and _CODE.fullmatch(text) is not None


def tokenize(text: str) -> list[Token]:
    """Return the tokens of ``text``, ending with an ``end`` token."""
    if not isinstance(text, str):
        raise ExpressionError("an expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is too long ({len(text)} characters, at most {MAX_LENGTH})"
        )
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _WHITESPACE:
            i += 1
            continue
        token = _read_token(text, i)
        tokens.append(token)
        i = token.position + _width(text, token)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _width(text: str, token: Token) -> int:
    """Return how many characters of ``text`` the token covers."""
    if token.kind == "str":
        return len(token.text) + 2
    if token.kind == "ref":
        return len(token.text) + 3
    return len(token.text)


def _read_token(text: str, i: int) -> Token:
    """Read the token that starts at offset ``i``."""
    char = text[i]
    if char in "'\"":
        end = text.find(char, i + 1)
        if end < 0:
            raise ExpressionError(f"unterminated string starting with {char}", i)
        return Token("str", text[i + 1 : end], i)
    if char == "$":
        return _read_reference(text, i)
    number = _NUMBER.match(text, i)
    if number:
        return Token("num", number.group(), i)
    if char == ".":
        if text.startswith("..", i):
            raise ExpressionError("unexpected '..': only '.' (this answer) is allowed", i)
        return Token("self", ".", i)
    name = _NAME.match(text, i)
    if name:
        return Token("name", name.group(), i)
    for operator in _OPERATORS:
        if text.startswith(operator, i):
            return Token("op", operator, i)
    if char in _PUNCTUATION:
        return Token(char, char, i)
    if char == "!":
        raise ExpressionError("unexpected '!': write '!=' or not(...)", i)
    raise ExpressionError(f"unexpected character {char!r}", i)


def _read_reference(text: str, i: int) -> Token:
    """Read an item reference ``${code}`` that starts at offset ``i``."""
    if not text.startswith("${", i):
        raise ExpressionError("'$' must start an item reference such as ${age}", i)
    code = _CODE.match(text, i + 2)
    if not code:
        raise ExpressionError("an item code must follow '${' directly, as in ${age}", i + 2)
    end = code.end()
    if end >= len(text):
        raise ExpressionError("item reference is not closed with '}'", end)
    if text[end] != "}":
        raise ExpressionError(
            f"unexpected character {text[end]!r} in an item reference: item codes hold ASCII "
            "letters, digits, '_', '.' and '-'",
            end,
        )
    if len(code.group()) > MAX_CODE_LENGTH:
        raise ExpressionError(f"item code is longer than {MAX_CODE_LENGTH} characters", i)
    return Token("ref", code.group(), i)
