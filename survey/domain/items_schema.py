"""Read and check the items of a definition: types, choices, bounds, expressions and scoring."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from survey.domain.fields import (
    check_keys, read_choices, read_code, read_expression, read_labels,
)
from survey.domain.model import (
    CHOICE_TYPES, ITEM_TYPES, NUMERIC_TYPES, ROLES, YES_NO_VALUES, Choice, Item, Score,
)
from survey.domain.problems import ProblemLog

ITEM_KEYS = {
    "code", "type", "label", "hint", "choices", "required", "relevant", "constraint",
    "constraint_message", "min", "max", "dimension", "score", "role", "pii",
}
SCORE_KEYS = {"satisfied", "values", "rescale", "reverse"}


def read_item(
    log: ProblemLog, raw: Any, section: str, choice_lists: Mapping[str, tuple[Choice, ...]], index: int
) -> Item | None:
    """Return one item, or None after reporting every problem it has."""
    if not isinstance(raw, dict):
        log.add(f"section '{section}' item #{index + 1}", "an item must be a mapping")
        return None
    problems_before = len(log.problems)
    code = read_code(log, f"section '{section}' item #{index + 1}", raw.get("code"))
    where = f"item '{code or raw.get('code')}'"
    check_keys(log, where, raw, ITEM_KEYS, {"code", "type", "label"})
    item_type = raw.get("type")
    if item_type not in ITEM_TYPES:
        log.add(where, f"unknown type {item_type!r} (one of: {', '.join(ITEM_TYPES)})")
        return None
    choices, list_name = _item_choices(log, where, raw, item_type, choice_lists)
    low, high = _bounds(log, where, raw, item_type)
    role = raw.get("role")
    if role is not None and role not in ROLES:
        log.add(where, f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    for flag in ("required", "pii"):
        if flag in raw and not isinstance(raw[flag], bool):
            log.add(where, f"'{flag}' must be true or false")
    dimension = raw.get("dimension")
    if dimension is not None and not isinstance(dimension, str):
        log.add(where, f"'dimension' must be the code of a dimension, not {dimension!r}")
        dimension = None
    item = Item(
        code=code or "",
        type=item_type,
        label=read_labels(log, f"{where} label", raw.get("label")),
        section=section,
        hint=read_labels(log, f"{where} hint", raw.get("hint"), required=False),
        choices=choices,
        choice_list=list_name,
        required=raw.get("required") is True,
        relevant=_optional_expression(log, f"{where} relevant", raw.get("relevant")),
        constraint=_optional_expression(log, f"{where} constraint", raw.get("constraint")),
        constraint_message=read_labels(
            log, f"{where} constraint_message", raw.get("constraint_message"), required=False
        ),
        min=low,
        max=high,
        dimension=dimension,
        role=role,
        pii=raw.get("pii") is True,
    )
    score = read_score(log, where, raw.get("score"), item) if "score" in raw else None
    if len(log.problems) > problems_before or code is None or item.label is None:
        return None
    return _with_score(item, score)


def _with_score(item: Item, score: Score | None) -> Item:
    """Return the item with its score and the default role of scored items."""
    role = item.role or ("indicator" if score is not None else None)
    return replace(item, score=score, role=role)


def _optional_expression(log: ProblemLog, where: str, text: Any):
    """Compile an optional expression."""
    return None if text is None else read_expression(log, where, text)


def _item_choices(log, where, raw, item_type, choice_lists):
    """Resolve the item's choices: a named list or an inline list, only for choice types."""
    spec = raw.get("choices")
    if item_type not in CHOICE_TYPES:
        if spec is not None:
            log.add(where, f"type {item_type} takes no 'choices'")
        return (), None
    if spec is None:
        log.add(where, f"type {item_type} needs 'choices' (a choice list name or a list)")
        return (), None
    numeric = item_type == "likert5"
    if isinstance(spec, str):
        if spec not in choice_lists:
            log.add(where, f"unknown choice list '{spec}'")
            return (), None
        choices, name = choice_lists[spec], spec
    else:
        choices, name = read_choices(log, f"{where} choices", spec, numeric=numeric) or (), None
    values = [c.value for c in choices]
    if numeric and choices and sorted(values) != [1, 2, 3, 4, 5]:
        log.add(where, f"a likert5 item needs exactly the values 1..5, got {values}")
    if not numeric and any(isinstance(v, int) for v in values):
        log.add(where, f"type {item_type} needs code values, not numbers: {values}")
    return tuple(choices), name


def _bounds(log, where, raw, item_type):
    """Return (min, max) of a numeric item after checking them."""
    low, high = raw.get("min"), raw.get("max")
    if item_type not in NUMERIC_TYPES:
        if low is not None or high is not None:
            log.add(where, f"'min'/'max' only apply to integer and decimal items, not {item_type}")
        return None, None
    for name, value in (("min", low), ("max", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            log.add(where, f"'{name}' must be a number, not {value!r}")
            return None, None
        if item_type == "integer" and value is not None and int(value) != value:
            log.add(where, f"'{name}' of an integer item must be a whole number, not {value!r}")
    if low is not None and high is not None and low > high:
        log.add(where, f"'min' {low} is greater than 'max' {high}")
    return low, high


def read_score(log: ProblemLog, where: str, raw: Any, item: Item) -> Score | None:
    """Return the item's scoring rule after checking every value it names against the scale."""
    at = f"{where} score"
    if not isinstance(raw, dict):
        log.add(at, "score must be a mapping (satisfied / values / rescale / reverse)")
        return None
    check_keys(log, at, raw, SCORE_KEYS, set())
    if item.type in ("text", "date", "multi_choice"):
        log.add(at, f"items of type {item.type} cannot be scored")
        return None
    if item.pii:
        log.add(at, "personal data (pii) items cannot be scored")
        return None
    allowed = _answer_values(item)
    if "satisfied" in raw:
        return _satisfied_score(log, at, raw, allowed)
    values = _value_map(log, at, raw.get("values"), item, allowed)
    if values is None and "values" in raw:
        return None
    rescale = _rescale(log, at, raw.get("rescale"))
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool):
        log.add(at, "'reverse' must be true or false")
        return None
    if reverse and rescale is None:
        log.add(at, "'reverse' needs 'rescale' bounds to reverse within")
        return None
    if values is None and item.type in ("choice", "yes_no"):
        log.add(at, f"a {item.type} item needs 'values' mapping each answer to a number")
        return None
    if rescale is not None:
        _check_range(log, at, rescale, values, item, allowed)
    return Score(values=values, rescale=rescale, reverse=reverse)


def _answer_values(item: Item) -> tuple | None:
    """Return the finite set of answers of an item, or None for open numeric items."""
    if item.type == "yes_no":
        return YES_NO_VALUES
    if item.type in CHOICE_TYPES:
        return item.choice_values()
    return None


def _satisfied_score(log, at, raw, allowed) -> Score | None:
    """Read a binary 'satisfied' rule."""
    if set(raw) - {"satisfied"}:
        log.add(at, "'satisfied' cannot be combined with values/rescale/reverse")
        return None
    listed = raw["satisfied"]
    if not isinstance(listed, list) or not listed:
        log.add(at, "'satisfied' must be a non-empty list of answer values")
        return None
    if allowed is None:
        log.add(at, "'satisfied' needs an item with a fixed set of answers")
        return None
    outside = [v for v in listed if v not in allowed]
    if outside:
        log.add(at, f"'satisfied' names values outside the scale: {outside} (scale: {list(allowed)})")
        return None
    return Score(satisfied=tuple(listed))


def _value_map(log, at, raw, item, allowed):
    """Read the answer → number map of a choice or yes/no item."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw:
        log.add(at, "'values' must map answers to numbers")
        return None
    if allowed is None:
        log.add(at, f"'values' needs an item with a fixed set of answers, not {item.type}")
        return None
    mapped: dict[str, float] = {}
    for key, number in raw.items():
        if key not in allowed and str(key) not in map(str, allowed):
            log.add(at, f"'values' names {key!r}, which is not an answer of this item ({list(allowed)})")
            return None
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            log.add(at, f"'values' must map to numbers, {key!r} maps to {number!r}")
            return None
        mapped[str(key)] = float(number)
    missing = [v for v in allowed if str(v) not in mapped]
    if missing:
        log.add(at, f"'values' gives no number for the answers {missing}")
        return None
    return mapped


def _rescale(log, at, raw):
    """Read {min, max} theoretical bounds."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"min", "max"}:
        log.add(at, "'rescale' must be {min: ..., max: ...}")
        return None
    low, high = raw["min"], raw["max"]
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in (low, high)):
        log.add(at, "'rescale' bounds must be numbers")
        return None
    if not low < high:
        log.add(at, f"'rescale' needs min < max, got {low} and {high}")
        return None
    return float(low), float(high)


def _check_range(log, at, rescale, values, item, allowed) -> None:
    """Check that the theoretical bounds contain every possible (mapped) answer."""
    low, high = rescale
    if values is not None:
        possible = list(values.values())
    elif allowed is not None:
        possible = [float(v) for v in allowed]
    else:
        possible = [v for v in (item.min, item.max) if v is not None]
        if item.min is None or item.max is None:
            log.add(at, "rescaling a numeric item needs its 'min' and 'max' so answers stay in bounds")
    outside = [v for v in possible if not low <= v <= high]
    if outside:
        log.add(at, f"'rescale' bounds [{low:g}, {high:g}] do not contain the answers {outside}")
