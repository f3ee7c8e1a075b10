"""The XLSForm vocabulary hailong reads and writes: sheets, columns, language headers, cell values."""

from __future__ import annotations

import math
import re
from typing import Any

SURVEY = "survey"
CHOICES = "choices"
SETTINGS = "settings"
DIMENSIONS = "hailong_dimensions"

# hailong's own columns; KoboToolbox and ODK ignore columns they do not know.
TYPE_COLUMN = "hailong_type"
DIMENSION_COLUMN = "hailong_dimension"
SCORE_COLUMN = "hailong_score"
ROLE_COLUMN = "hailong_role"
PII_COLUMN = "hailong_pii"
MIN_COLUMN = "hailong_min"
MAX_COLUMN = "hailong_max"
INLINE_COLUMN = "hailong_choices"
INLINE_MARK = "inline"

FAMILY_SETTING = "hailong_family"
LANGUAGES_SETTING = "hailong_languages"
EFFECTIVE_DATE_SETTING = "hailong_effective_date"
TITLE_SETTING = "hailong_title"
SOURCE_SETTING = "hailong_source"
DESCRIPTION_SETTING = "hailong_description"

# Columns whose header may name a language: "label::Vietnamese (vi)", "hint::en", plain "label".
TRANSLATABLE = frozenset({
    "label", "hint", "constraint_message", "required_message", "guidance_hint", "image", "audio",
    "video", "big-image", "media::image", "media::audio", "media::video", "media::big-image",
    TITLE_SETTING, SOURCE_SETTING, DESCRIPTION_SETTING,
})

LANGUAGE_NAMES = {
    "vi": "Vietnamese", "en": "English", "fr": "French", "zh": "Chinese", "km": "Khmer", "lo": "Lao",
    "th": "Thai", "ko": "Korean", "ja": "Japanese",
}
NAME_TO_CODE = {name.casefold(): code for code, name in LANGUAGE_NAMES.items()} | {
    "tiếng việt": "vi", "tieng viet": "vi", "tiếng anh": "en", "tieng anh": "en",
}
_CODE_IN_PARENTHESES = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\s*\)\s*$")
_BARE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]+)?$")

TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})
FALSE_WORDS = frozenset({"no", "false", "false()", "0"})


def language_name(code: str) -> str:
    """Return the XLSForm language name of ``code``: 'Vietnamese (vi)', or the bare code."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def language_header(base: str, code: str) -> str:
    """Return the header of the ``base`` column in language ``code``, e.g. 'label::Vietnamese (vi)'."""
    return f"{base}::{language_name(code)}"


def parse_language(text: str) -> str | None:
    """Return the language code a header or setting names, or None when it names none we know.

    Accepts 'Vietnamese (vi)', 'Tiếng Việt (vi)', 'vi' and the bare names of LANGUAGE_NAMES.
    """
    text = text.strip()
    match = _CODE_IN_PARENTHESES.search(text)
    if match:
        return match.group(1).lower()
    if _BARE_CODE.match(text.lower()):
        return text.lower()
    return NAME_TO_CODE.get(text.casefold())


def text_value(value: Any) -> str | None:
    """Return a cell's value as stripped text, None when empty; whole numbers lose their '.0'."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def flag_value(value: Any) -> bool | None:
    """Return True/False for an XLSForm yes/no cell (yes, true, 1, true() ...), None if unreadable."""
    text = text_value(value)
    if text is None:
        return False
    word = text.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def number_value(value: Any) -> int | float | None:
    """Return a cell's number (numeric text allowed); raise ValueError if it is not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a finite number")
    return number


def number_cell(value: float | None) -> float | str | None:
    """Return a number as written to a cell, keeping '10.0' apart from '10' (Excel would merge them)."""
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return value
