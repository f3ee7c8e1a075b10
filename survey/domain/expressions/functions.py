"""The functions of the language: their arity and what they compute.

Every function converts its arguments itself (XPath style), so no call can fail at run time.
``if`` is listed for its arity only: the evaluator runs it lazily.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from survey.domain.expressions.coercion import (
    Value,
    split_selection,
    to_boolean,
    to_number,
    to_string,
)

_XPATH_WHITESPACE = " \t\r\n"
_POWERS_OF_TEN = tuple(float(10**k) for k in range(16))  # exact doubles 1 .. 1e15
_ROUNDING_LIMIT = 2.0**52  # from here on every double is an integer


@dataclass(frozen=True)
class Function:
    """A function's accepted argument counts and its implementation."""

    min_args: int
    max_args: int
    run: Callable[[Sequence[Value]], Value] | None


def _selected(args: Sequence[Value]) -> Value:
    """Tell whether the code ``args[1]`` is among the selected codes ``args[0]``."""
    return to_string(args[1]).strip(_XPATH_WHITESPACE) in split_selection(args[0])


def _coalesce(args: Sequence[Value]) -> Value:
    """Return the first argument unless it is the empty string (unanswered), else the second."""
    return args[1] if args[0] == "" else args[0]


def _int(args: Sequence[Value]) -> Value:
    """Truncate toward zero; NaN and infinities stay as they are."""
    number = to_number(args[0])
    return number if not math.isfinite(number) else float(math.trunc(number))


def round_half_away(number: float, places: float) -> float:
    """Round ``number`` to ``places`` decimal places, halves away from zero.

    With :math:`p = 10^{|n|}` for :math:`n` = ``trunc(places)`` in [-15, 15]:

    .. math:: \\operatorname{round}(x, n) = \\operatorname{sign}(x)\\,
              \\lfloor |x| \\cdot p + 0.5 \\rfloor / p \\quad (n \\ge 0), \\qquad
              \\operatorname{sign}(x)\\, \\lfloor |x| / p + 0.5 \\rfloor \\cdot p \\quad (n < 0)

    each operation rounded to the nearest double, so JavaScript reproduces it exactly. When
    :math:`|x| \\cdot p` (or :math:`|x|/p`) reaches :math:`2^{52}`, ``number`` is returned as is.
    NaN, infinite ``number`` are returned as they are; NaN ``places`` or :math:`|n| > 15` give NaN.
    This is ODK JavaRosa's half-up rounding (not XPath 1.0's ``round``, which rounds -2.5 to -2).

    References
    ----------
    ODK XForms specification, function ``round(number, places)``.
    """
    if math.isnan(places) or abs(places) >= 16:
        return math.nan
    if not math.isfinite(number):
        return number
    n = math.trunc(places)
    power = _POWERS_OF_TEN[abs(n)]
    scaled = abs(number) * power if n >= 0 else abs(number) / power
    if scaled >= _ROUNDING_LIMIT:
        return number
    rounded = math.floor(scaled + 0.5)
    result = rounded / power if n >= 0 else rounded * power
    return -result if number < 0 else float(result)


def _round(args: Sequence[Value]) -> Value:
    """Round half away from zero to ``args[1]`` places (0 when omitted)."""
    places = to_number(args[1]) if len(args) > 1 else 0.0
    return round_half_away(to_number(args[0]), places)


FUNCTIONS: dict[str, Function] = {
    "true": Function(0, 0, lambda args: True),
    "false": Function(0, 0, lambda args: False),
    "not": Function(1, 1, lambda args: not to_boolean(args[0])),
    "if": Function(3, 3, None),
    "selected": Function(2, 2, _selected),
    "count-selected": Function(1, 1, lambda args: float(len(split_selection(args[0])))),
    "string-length": Function(1, 1, lambda args: float(len(to_string(args[0])))),
    "starts-with": Function(2, 2, lambda args: to_string(args[0]).startswith(to_string(args[1]))),
    "contains": Function(2, 2, lambda args: to_string(args[1]) in to_string(args[0])),
    "number": Function(1, 1, lambda args: to_number(args[0])),
    "int": Function(1, 1, _int),
    "round": Function(1, 2, _round),
    "coalesce": Function(2, 2, _coalesce),
    "date": Function(1, 1, lambda args: to_number(args[0])),
}
