"""Read an XLSForm workbook, ours or one made in KoboToolbox/ODK, into a validated questionnaire.

The workbook becomes a definition mapping (the same shape as a YAML definition) that
``build_questionnaire`` validates; its problems are reported with the sheet and row they come from.
A form without hailong's extra columns imports with family ``custom`` and no index: hailong does not
invent a dimension tree, which would hide that choice from the form's authors. A form that scores items
or declares another family needs its ``hailong_dimensions`` sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from survey.domain.fields import CODE_RE
from survey.domain.model import Questionnaire
from survey.domain.problems import Problem, ProblemLog, QuestionnaireError
from survey.domain.schema import build_questionnaire
from survey.domain.xlsform_format import (
    CHOICES, DESCRIPTION_SETTING, DIMENSIONS, EFFECTIVE_DATE_SETTING, FAMILY_SETTING,
    LANGUAGES_SETTING, SETTINGS, SOURCE_SETTING, SURVEY, TITLE_SETTING, number_value,
    parse_language, text_value,
)
from survey.domain.xlsform_places import Places
from survey.domain.xlsform_sheets import Row, Sheet, open_workbook, read_sheet, warn_unused
from survey.domain.xlsform_survey import SurveyReader, SurveyRows
from survey.domain.xlsform_tree import read_tree

SETTINGS_AT = f"sheet '{SETTINGS}'"
# Columns read from each sheet besides the survey sheet: (names, prefixes of translated columns).
READ_COLUMNS = {
    CHOICES: ({"list_name", "list name", "name"}, ("label::",)),
    DIMENSIONS: ({"code", "parent", "aggregate", "alternatives"}, ("label::",)),
    SETTINGS: (
        {"form_title", "form_id", "version", "default_language", FAMILY_SETTING, LANGUAGES_SETTING,
         EFFECTIVE_DATE_SETTING},
        tuple(f"{base}::" for base in (TITLE_SETTING, SOURCE_SETTING, DESCRIPTION_SETTING)),
    ),
}


@dataclass(frozen=True)
class XlsformImport:
    """An imported form: its definition mapping, the questionnaire, and what was skipped or ignored."""

    definition: dict[str, Any]
    questionnaire: Questionnaire
    warnings: tuple[str, ...]


def import_xlsform(
    source: str | Path | BinaryIO, name: str = "", *, code: str | None = None,
    version: str | None = None,
) -> XlsformImport:
    """Read an .xlsx XLSForm; raise QuestionnaireError listing every problem with its sheet and row.

    ``code`` and ``version`` replace the settings sheet's form_id and version (Kobo's are rarely
    hailong codes).
    """
    name = name or (str(source) if isinstance(source, (str, Path)) else "form.xlsx")
    log, warnings = ProblemLog(name), []
    workbook = open_workbook(source, name)
    try:
        definition, places, reported = _read(workbook, log, warnings, code, version)
    finally:
        workbook.close()
    try:
        questionnaire = build_questionnaire(definition, name)
    except QuestionnaireError as error:
        found = [places.locate(p) for p in error.problems if not _already_reported(p, reported)]
        raise QuestionnaireError(log.problems + found) from None
    log.raise_if_any()
    return XlsformImport(definition, questionnaire, tuple(warnings))


def _already_reported(problem: Problem, keys: set[str]) -> bool:
    """Whether a schema problem repeats a missing setting or sheet reported in workbook terms."""
    if problem.location == "questionnaire":
        return any(problem.message == f"missing required key '{key}'" for key in keys)
    return problem.location in keys


def _read(workbook, log: ProblemLog, warnings: list[str], code, version):
    """Return the definition, the rows of its parts, and the top-level keys reported missing."""
    settings_sheet, default = _settings(workbook, log)
    sheets = {
        name: read_sheet(workbook, name, default, log) for name in (SURVEY, CHOICES, DIMENSIONS)
    }
    sheets[SETTINGS] = settings_sheet
    settings = settings_sheet.rows[0] if settings_sheet is not None and settings_sheet.rows else None
    survey = sheets[SURVEY]
    if survey is None:
        log.add("", f"the workbook has no '{SURVEY}' sheet: is it an XLSForm?")
    elif "vi" not in survey.languages():
        log.add(
            f"sheet '{SURVEY}'", "no Vietnamese label column: hailong needs Vietnamese labels; add a "
            "'label::Vietnamese (vi)' column (or 'label::vi'; a plain 'label' column counts as the "
            "settings' default_language, Vietnamese when it is not set)",
        )
    log.raise_if_any()
    for name, (known, prefixes) in READ_COLUMNS.items():
        if sheets[name] is not None:
            warn_unused(sheets[name], known, prefixes, warnings)
    metadata, reported = _metadata(settings, default, log, code, version)
    rows = SurveyReader(log, warnings, metadata.get("title")).read(survey)
    places = Places(
        items=rows.item_rows, sections=rows.section_rows, section_starts=rows.section_starts,
        section_items=_section_items(rows),
    )
    named = _choice_lists(sheets[CHOICES], rows, log, places)
    tree = _dimensions(sheets[DIMENSIONS], log, places, reported)
    languages = metadata.pop("languages", None) or _languages(sheets.values(), default)
    definition = {
        **metadata, "default_language": default, "languages": languages,
        "choice_lists": named, "dimensions": tree, "sections": rows.sections,
    }
    return {k: v for k, v in definition.items() if v is not None}, places, reported


def _section_items(rows: SurveyRows) -> dict[str, list[Row]]:
    """Return each section's item rows; the schema names a section with an invalid code ''."""
    found = dict(rows.section_item_rows)
    invalid = [code for code in found if not CODE_RE.match(code)]
    if len(invalid) == 1:
        found[""] = found[invalid[0]]
    return found


def _settings(workbook, log: ProblemLog) -> tuple[Sheet | None, str]:
    """Return the settings sheet (None without one) and the default language it names (else vi)."""
    first = read_sheet(workbook, SETTINGS, "vi", ProblemLog(log.source))
    row = first.rows[0] if first is not None and first.rows else None
    named = row.text("default_language") if row is not None else None
    if named is None:
        default = "vi"
    else:
        default = parse_language(named)
        if default is None:
            log.add(f"{SETTINGS_AT}, default_language", f"'{named}' names no language hailong knows; "
                    "write it as 'Vietnamese (vi)', 'English (en)' or a language code")
            default = "vi"
    return read_sheet(workbook, SETTINGS, default, log), default


def _metadata(row: Row | None, default: str, log: ProblemLog, code, version):
    """Return the questionnaire's metadata from the settings row, and the keys reported missing."""
    cells = row if row is not None else Row(SETTINGS, 0, {})
    title = cells.labels(TITLE_SETTING) or (
        {default: cells.text("form_title")} if cells.text("form_title") else None
    )
    metadata = {
        "code": code or cells.text("form_id"),
        "version": version or cells.text("version"),
        "title": title,
        "family": cells.text(FAMILY_SETTING) or "custom",
        "source": cells.labels(SOURCE_SETTING) or None,
        "description": cells.labels(DESCRIPTION_SETTING) or None,
        "effective_date": _date_text(cells.cells.get(EFFECTIVE_DATE_SETTING)),
    }
    if cells.text(LANGUAGES_SETTING):
        metadata["languages"] = cells.text(LANGUAGES_SETTING).replace(",", " ").split()
    missing = {
        "code": "form_id is missing: it is the questionnaire code (lowercase letters, digits and "
                "'-', e.g. 'sipas')",
        "version": "version is missing: write the questionnaire version as 'YYYY.N', e.g. 2026.1",
        "title": "form_title is missing: it is the questionnaire title",
    }
    reported = {key for key in missing if metadata[key] is None}
    for key in sorted(reported):
        log.add(SETTINGS_AT, missing[key])
    return metadata, reported


def _date_text(value: Any) -> str | None:
    """Return a settings date as ISO text (Excel may store it as a date)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return text_value(value)


def _languages(sheets: Iterable[Sheet | None], default: str) -> list[str]:
    """Return the languages the label columns use: Vietnamese first, then in column order."""
    found = ["vi"] + ([default] if default != "vi" else [])
    for sheet in sheets:
        for language in sheet.languages() if sheet is not None else ():
            if language not in found:
                found.append(language)
    return found


def _choice_lists(sheet: Sheet | None, rows: SurveyRows, log: ProblemLog, places: Places) -> dict:
    """Return the named choice lists, and give inline-marked items their own copy of their list."""
    entries: dict[str, list[Row]] = {}
    for row in sheet.rows if sheet is not None else ():
        list_name = row.text("list_name") or row.text("list name")
        if list_name is None:
            log.add(row.where, "the choice has no list_name")
        elif row.text("name") is None:
            log.add(row.where, f"a choice of list '{list_name}' has no name (its value)")
        else:
            entries.setdefault(list_name, []).append(row)
    items = [item for section in rows.sections for item in section["items"]]
    named_use = {
        item["choices"] for item in items
        if isinstance(item.get("choices"), str) and item["code"] not in rows.inline_items
    }
    named = {}
    for list_name, list_rows in entries.items():
        use = rows.list_use.get(list_name, set())
        choices = [_choice(row, use, log) for row in list_rows]
        for item in items:
            if rows.inline_items.get(item["code"]) == list_name:
                item["choices"] = choices
        if list_name in named_use or not use:
            named[list_name] = choices
            places.lists[list_name] = list_rows
        if "yes_no" in use:
            _check_yes_no(list_name, list_rows, log)
    return named


def _choice(row: Row, use: set[str], log: ProblemLog) -> dict[str, Any]:
    """Return one choice; values are whole numbers on likert scales and codes elsewhere."""
    raw = row.cells.get("name")
    value: Any = text_value(raw)
    numeric = "likert5" in use or (not use and isinstance(raw, int) and not isinstance(raw, bool))
    if numeric:
        try:
            number = number_value(raw)
        except ValueError:
            number = None
        if number is None or int(number) != number:
            log.add(row.where, f"choice '{value}' of a likert5 scale must be a whole number 1..5")
        else:
            value = int(number)
    choice = {"value": value, "label": row.labels("label") or None}
    return {k: v for k, v in choice.items() if v is not None}


def _check_yes_no(list_name: str, list_rows: list[Row], log: ProblemLog) -> None:
    """Check that a list answering a yes_no item holds exactly the answers yes and no."""
    values = sorted(row.text("name") or "" for row in list_rows)
    if values != ["no", "yes"]:
        log.add(
            list_rows[0].where,
            f"list '{list_name}' answers a hailong_type yes_no item, so its names must be exactly "
            f"'yes' and 'no', not {values}",
        )


def _dimensions(sheet: Sheet | None, log: ProblemLog, places: Places, reported: set[str]):
    """Return the dimension tree from its sheet; without one the form has no index (family custom).

    The schema then refuses the form if it declares another family or scores an item, and the message
    tells the author to add a '{DIMENSIONS}' sheet.
    """
    if sheet is None:
        return None
    return read_tree(sheet, log, places)
