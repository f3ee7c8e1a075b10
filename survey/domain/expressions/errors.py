"""The single error type of the expression language."""

from __future__ import annotations


class ExpressionError(ValueError):
    """Report an expression that cannot be parsed, serialised or evaluated.

    ``position`` is the 0-based character offset in the expression text where the problem was
    found, or ``None`` when the problem has no place in the text (a malformed syntax tree, an
    answer of an unsupported type). The message already names the 1-based column.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        if position is not None:
            message = f"{message} (column {position + 1})"
        super().__init__(message)
        self.message = message
        self.position = position
