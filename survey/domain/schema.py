"""Build a validated Questionnaire from a parsed definition, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from survey.domain.expressions import references, uses_self
from survey.domain.fields import (
    LANGUAGE_RE, QUESTIONNAIRE_CODE_RE, check_keys, read_choices, read_code, read_labels,
)
from survey.domain.items_schema import read_item
from survey.domain.model import FAMILIES, Choice, Item, Questionnaire, Section
from survey.domain.problems import ProblemLog
from survey.domain.tree_schema import check_alternatives, read_tree

TOP_KEYS = {
    "code", "version", "title", "family", "source", "effective_date", "default_language",
    "languages", "description", "choice_lists", "dimensions", "sections",
}
TOP_REQUIRED = {"code", "version", "title", "family", "sections"}
SECTION_KEYS = {"code", "label", "items", "hint"}
SECTION_REQUIRED = {"code", "label", "items"}
VERSION_RE = re.compile(r"^[0-9]{4}\.[0-9]+$")


def build_questionnaire(raw: Any, source: str = "") -> Questionnaire:
    """Return the questionnaire a definition describes; raise QuestionnaireError listing all problems."""
    log = ProblemLog(source)
    if not isinstance(raw, dict):
        log.add("", "a questionnaire definition must be a mapping at the top level")
        log.raise_if_any()
    check_keys(log, "questionnaire", raw, TOP_KEYS, TOP_REQUIRED)
    code = read_code(log, "code", raw.get("code"), QUESTIONNAIRE_CODE_RE)
    version = raw.get("version")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        log.add("version", f"invalid version {version!r}: write it as a quoted 'YYYY.N', e.g. \"2026.1\"")
    family = raw.get("family")
    if family not in FAMILIES:
        log.add("family", f"unknown family {family!r} (one of: {', '.join(FAMILIES)})")
    languages = _languages(log, raw)
    choice_lists = _choice_lists(log, raw.get("choice_lists") or {})
    sections = _sections(log, raw.get("sections"), choice_lists)
    items = tuple(item for section in sections for item in section.items)
    by_code = _unique_items(log, raw.get("sections"))
    _check_expressions(log, items, by_code)
    tree = _tree(log, raw, family, items)
    questionnaire_kwargs = dict(
        title=read_labels(log, "title", raw.get("title")),
        source=read_labels(log, "source", raw.get("source"), required=False),
        description=read_labels(log, "description", raw.get("description"), required=False),
        effective_date=_date(log, raw.get("effective_date")),
    )
    log.raise_if_any()
    return Questionnaire(
        code=code, version=version, family=family, sections=sections, dimensions=tree,
        choice_lists=choice_lists, default_language=raw.get("default_language", "vi"),
        languages=languages, **questionnaire_kwargs,
    )


def _tree(log: ProblemLog, raw: dict, family: Any, items: tuple[Item, ...]):
    """Return the dimension tree; only a custom questionnaire without scores may have none."""
    if "dimensions" in raw:
        tree = read_tree(log, raw["dimensions"], items)
        if tree is not None:
            check_alternatives(log, tree, {i.code: i for i in items})
        return tree
    if family != "custom":
        log.add("questionnaire", f"missing required key 'dimensions' (a {family} questionnaire has an index)")
    for item in items:
        if item.score is not None:
            log.add(f"item '{item.code}'", "is scored, but the questionnaire has no 'dimensions' tree")
    return None


def _languages(log: ProblemLog, raw: dict) -> tuple[str, ...]:
    """Return the declared languages (Vietnamese first) and check the default language."""
    languages = raw.get("languages", ["vi", "en"])
    if not isinstance(languages, list) or not all(
        isinstance(x, str) and LANGUAGE_RE.match(x) for x in languages
    ):
        log.add("languages", "must be a list of language codes such as [vi, en]")
        return ("vi",)
    if "vi" not in languages:
        log.add("languages", "Vietnamese ('vi') must be one of the languages")
    default = raw.get("default_language", "vi")
    if default not in languages:
        log.add("default_language", f"'{default}' is not one of the languages {languages}")
    return tuple(languages)


def _choice_lists(log: ProblemLog, raw: Any) -> dict[str, tuple[Choice, ...]]:
    """Read the named choice lists; integer lists are scales, code lists are options."""
    if not isinstance(raw, dict):
        log.add("choice_lists", "must be a mapping of list name to choices")
        return {}
    lists = {}
    for name, entries in raw.items():
        if read_code(log, f"choice list {name!r}", name) is None:
            continue
        numeric = isinstance(entries, list) and any(
            isinstance(e, dict) and isinstance(e.get("value"), int) for e in entries
        )
        choices = read_choices(log, f"choice list '{name}'", entries, numeric=numeric)
        if choices is not None:
            lists[name] = choices
    return lists


def _sections(log: ProblemLog, raw: Any, choice_lists) -> tuple[Section, ...]:
    """Read the sections and their items."""
    if not isinstance(raw, list) or not raw:
        log.add("sections", "must be a non-empty list of sections")
        return ()
    sections, seen = [], set()
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            log.add(f"section #{index + 1}", "a section must be a mapping")
            continue
        code = read_code(log, f"section #{index + 1}", entry.get("code"))
        where = f"section '{code}'"
        check_keys(log, where, entry, SECTION_KEYS, SECTION_REQUIRED)
        if code in seen:
            log.add(where, "duplicate section code")
        seen.add(code)
        label = read_labels(log, f"{where} label", entry.get("label"))
        raw_items = entry.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            log.add(where, "a section needs a non-empty list of items")
            continue
        items = [read_item(log, it, code or "", choice_lists, i) for i, it in enumerate(raw_items)]
        hint = read_labels(log, f"{where} hint", entry.get("hint"), required=False)
        if code and label:
            sections.append(Section(code, label, tuple(i for i in items if i is not None), hint))
    return tuple(sections)


def _unique_items(log: ProblemLog, raw_sections: Any) -> set[str]:
    """Return the item codes, reporting duplicates across all sections."""
    codes: set[str] = set()
    for entry in raw_sections if isinstance(raw_sections, list) else []:
        for item in (entry.get("items") or []) if isinstance(entry, dict) else []:
            code = item.get("code") if isinstance(item, dict) else None
            if isinstance(code, str):
                if code in codes:
                    log.add(f"item '{code}'", "duplicate item code (codes must be unique)")
                codes.add(code)
    return codes


def _check_expressions(log: ProblemLog, items: tuple[Item, ...], codes: set[str]) -> None:
    """Check that expressions name existing items and use '.' only in constraints."""
    for item in items:
        for kind, expr in (("relevant", item.relevant), ("constraint", item.constraint)):
            if expr is None:
                continue
            where = f"item '{item.code}' {kind}"
            for ref in sorted(references(expr.tree) - codes):
                log.add(where, f"unknown reference ${{{ref}}} in {expr.text!r}")
            if kind == "relevant" and item.code in references(expr.tree):
                log.add(where, f"an item's relevance cannot depend on its own answer: {expr.text!r}")
            if kind == "relevant" and uses_self(expr.tree):
                log.add(where, f"'.' (the current answer) is only allowed in a constraint: {expr.text!r}")
            pii = sorted(r for r in references(expr.tree) if _is_pii(items, r))
            if pii:
                log.add(where, f"expressions may not read personal data items: {', '.join(pii)}")


def _is_pii(items: tuple[Item, ...], code: str) -> bool:
    """Whether the item ``code`` holds personal data."""
    return any(i.code == code and i.pii for i in items)


def _date(log: ProblemLog, value: Any) -> str | None:
    """Return an ISO date string from a YAML date or string."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        log.add("effective_date", f"invalid date {value!r}: use YYYY-MM-DD")
        return None
