"""Size limits that keep parsing and evaluation bounded whatever the input."""

MAX_LENGTH = 4096
"""Longest accepted expression text, in characters."""

MAX_NESTING = 32
"""Deepest accepted nesting of parentheses, function calls and unary minus signs."""

MAX_DEPTH = 100
"""Deepest accepted syntax tree (a chain ``a + b + c`` nests one level per operator)."""

MAX_CODE_LENGTH = 64
"""Longest accepted item code inside ``${...}``."""
