"""Conversions between the three value types of the language: boolean, number and string.

The rules are those of XPath 1.0 (sections 4.2 to 4.4), with one addition taken from ODK
JavaRosa: a string holding an ISO date ``YYYY-MM-DD`` converts to the number of days since
1970-01-01, so dates compare and subtract as numbers.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

# XPath 1.0 [30] Number, optionally negative, surrounded by XPath whitespace; nothing else.
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_XPATH_WHITESPACE = " \t\r\n"
_SEPARATORS = re.compile(r"[ \t\r\n]+")

Value = bool | float | str


def to_boolean(value: Value) -> bool:
    """Convert like XPath ``boolean()``: non-zero non-NaN numbers and non-empty strings are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0.0 and not math.isnan(value)
    return value != ""


def to_number(value: Value) -> float:
    """Convert like XPath ``number()``, reading ISO dates as days since 1970-01-01."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = value.strip(_XPATH_WHITESPACE)
    if _NUMBER.fullmatch(text):
        return float(text)
    days = date_to_days(text)
    return math.nan if days is None else float(days)


def to_string(value: Value) -> str:
    """Convert like XPath ``string()``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_to_string(value)
    return value


def number_to_string(number: float) -> str:
    """Write a number like XPath ``string()``: shortest round-trip digits, never an exponent."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0.0:
        return "0"
    return format(Decimal(repr(number)).normalize(), "f")


def date_to_days(text: str) -> int | None:
    """Return the days from 1970-01-01 to the valid ISO date ``text``, or None.

    Uses the proleptic Gregorian calendar (Hinnant's ``days_from_civil``) for years 0001-9999.
    """
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None
    shifted = year - 1 if month <= 2 else year
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _days_in_month(year: int, month: int) -> int:
    """Return the number of days in a month of the Gregorian calendar."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def split_selection(value: Value) -> list[str]:
    """Split a multiple-choice value (space-separated codes, as ODK stores it) into its codes."""
    return [code for code in _SEPARATORS.split(to_string(value)) if code]
