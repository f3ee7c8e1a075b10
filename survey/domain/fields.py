"""Readers for the small building blocks of a definition: codes, labels, choices, expressions."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from survey.domain.expressions import ExpressionError, parse
from survey.domain.model import Choice, Expression, Labels
from survey.domain.problems import ProblemLog

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTIONNAIRE_CODE_RE = re.compile(r"^[a-z][a-z0-9-]*$")
VALUE_RE = re.compile(r"^[a-z0-9_]+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


def check_keys(log: ProblemLog, where: str, raw: dict, allowed: set[str], required: set[str]) -> None:
    """Report missing required keys and unknown keys (usually typos) of a mapping."""
    for key in sorted(required - raw.keys()):
        log.add(where, f"missing required key '{key}'")
    for key in sorted(set(map(str, raw)) - allowed):
        log.add(where, f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


def read_code(log: ProblemLog, where: str, value: Any, pattern: re.Pattern = CODE_RE) -> str | None:
    """Return a valid code, or report why it is not one."""
    if not isinstance(value, str) or not pattern.match(value):
        log.add(where, f"invalid code {value!r}: use {pattern.pattern}")
        return None
    return value


def read_labels(log: ProblemLog, where: str, value: Any, *, required: bool = True) -> Labels | None:
    """Return Labels from a {language: text} mapping; Vietnamese is required."""
    if value is None:
        if required:
            log.add(where, "label is missing (a Vietnamese 'vi' text is required)")
        return None
    if isinstance(value, str):
        log.add(where, "label must be a mapping of language to text, e.g. {vi: ..., en: ...}")
        return None
    if not isinstance(value, dict):
        log.add(where, f"label must be a mapping of language to text, not {type(value).__name__}")
        return None
    texts: dict[str, str] = {}
    for language, text in value.items():
        if not isinstance(language, str) or not LANGUAGE_RE.match(language):
            log.add(where, f"invalid language code {language!r}")
        elif not isinstance(text, str) or not text.strip():
            log.add(where, f"label in '{language}' must be non-empty text")
        else:
            texts[language] = unicodedata.normalize("NFC", text.strip())
    if "vi" not in texts:
        if "vi" not in value:
            log.add(where, "label has no Vietnamese 'vi' text")
        return None
    return Labels(texts)


def read_choices(log: ProblemLog, where: str, raw: Any, *, numeric: bool) -> tuple[Choice, ...] | None:
    """Return a list of choices: unique values, each with a Vietnamese label."""
    if not isinstance(raw, list) or not raw:
        log.add(where, "a choice list must be a non-empty list of {value, label}")
        return None
    choices: list[Choice] = []
    seen: set = set()
    ok = True
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            log.add(at, "a choice must be a mapping with 'value' and 'label'")
            ok = False
            continue
        check_keys(log, at, entry, {"value", "label"}, {"value", "label"})
        value = entry.get("value")
        if numeric:
            if isinstance(value, bool) or not isinstance(value, int):
                log.add(at, f"choice value {value!r} must be an integer on this scale")
                ok = False
                continue
        elif not isinstance(value, str) or not VALUE_RE.match(value):
            log.add(at, f"choice value {value!r} must be a short code matching {VALUE_RE.pattern}")
            ok = False
            continue
        if value in seen:
            log.add(at, f"duplicate choice value {value!r}")
            ok = False
        seen.add(value)
        label = read_labels(log, f"{at} (value {value!r})", entry.get("label"))
        if label is None:
            ok = False
            continue
        choices.append(Choice(value, label))
    return tuple(choices) if ok else None


def read_expression(log: ProblemLog, where: str, text: Any) -> Expression | None:
    """Compile an expression, reporting syntax errors with their position."""
    if not isinstance(text, str) or not text.strip():
        log.add(where, "expression must be non-empty text")
        return None
    try:
        return Expression(text, parse(text))
    except ExpressionError as error:
        log.add(where, f"invalid expression {text!r}: {error}")
        return None
