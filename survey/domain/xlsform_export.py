"""Write a questionnaire version as an XLSForm workbook that KoboToolbox/ODK open and hailong reads back.

The workbook holds the ODK sheets (``survey``, ``choices``, ``settings``) and hailong's extras: columns
prefixed ``hailong_`` for what XLSForm cannot say (likert and yes/no types, dimension, scoring, role,
personal data, numeric bounds) and a ``hailong_dimensions`` sheet with the dimension tree. It is written
from the canonical definition (``to_document``), so reading it back gives the same content hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from survey.domain.document import to_document
from survey.domain.model import YES_NO_VALUES, Questionnaire
from survey.domain.xlsform_format import (
    CHOICES, DESCRIPTION_SETTING, DIMENSION_COLUMN, DIMENSIONS, EFFECTIVE_DATE_SETTING,
    FAMILY_SETTING, INLINE_COLUMN, INLINE_MARK, LANGUAGES_SETTING, MAX_COLUMN, MIN_COLUMN,
    PII_COLUMN, ROLE_COLUMN, SCORE_COLUMN, SETTINGS, SOURCE_SETTING, SURVEY, TITLE_SETTING,
    TYPE_COLUMN, language_header, language_name, number_cell,
)

YES_NO_LABELS = {"yes": {"vi": "Có", "en": "Yes"}, "no": {"vi": "Không", "en": "No"}}
SELECT_TYPES = {"likert5": "select_one", "choice": "select_one", "multi_choice": "select_multiple",
                "yes_no": "select_one"}
EXTRA_COLUMNS = [
    TYPE_COLUMN, DIMENSION_COLUMN, SCORE_COLUMN, ROLE_COLUMN, PII_COLUMN, MIN_COLUMN, MAX_COLUMN,
    INLINE_COLUMN,
]


def write_xlsform(questionnaire: Questionnaire, target: str | BinaryIO) -> None:
    """Write the questionnaire as an .xlsx XLSForm to a path or a binary file."""
    to_workbook(questionnaire).save(target)


def to_workbook(questionnaire: Questionnaire) -> Workbook:
    """Return the XLSForm workbook of a questionnaire."""
    definition = to_document(questionnaire)["definition"]
    languages = _languages(definition)
    lists = _list_names(definition)
    workbook = Workbook()
    _survey_sheet(workbook.active, definition, languages, lists)
    _choices_sheet(workbook.create_sheet(CHOICES), definition, languages, lists)
    _settings_sheet(workbook.create_sheet(SETTINGS), definition, languages)
    if "dimensions" in definition:
        _dimensions_sheet(workbook.create_sheet(DIMENSIONS), definition, languages)
    return workbook


def _languages(definition: dict[str, Any]) -> list[str]:
    """Return the label languages: the declared ones first, then any others the labels use."""
    found = set()
    for labels in _all_labels(definition):
        found.update(labels)
    declared = list(definition["languages"])
    return declared + sorted(found - set(declared))


def _all_labels(definition: dict[str, Any]) -> Iterable[dict[str, str]]:
    """Yield every label mapping of a definition that becomes a sheet column."""
    for key in ("title", "source", "description"):
        if key in definition:
            yield definition[key]
    for choices in definition["choice_lists"].values():
        yield from (choice["label"] for choice in choices)
    for section in definition["sections"]:
        yield section["label"]
        for item in section["items"]:
            yield from (item[key] for key in ("label", "hint", "constraint_message") if key in item)
            if isinstance(item.get("choices"), list):
                yield from (choice["label"] for choice in item["choices"])
    stack = [definition["dimensions"]] if "dimensions" in definition else []
    while stack:
        node = stack.pop()
        yield node["label"]
        stack.extend(node.get("children", []))


def _list_names(definition: dict[str, Any]) -> dict[str, str]:
    """Return each select item's list name: its named list, or a fresh name (yes/no items share one)."""
    taken = set(definition["choice_lists"])
    names: dict[str, str] = {}
    for item in (i for s in definition["sections"] for i in s["items"]):
        choices = item.get("choices")
        if isinstance(choices, str):
            names[item["code"]] = choices
        elif isinstance(choices, list):
            names[item["code"]] = _fresh(item["code"], taken)
    yes_no = _fresh("yes_no", taken)
    for item in (i for s in definition["sections"] for i in s["items"]):
        if item["type"] == "yes_no":
            names[item["code"]] = yes_no
    return names


def _fresh(name: str, taken: set[str]) -> str:
    """Return ``name`` or ``name_2``, ``name_3``... whichever is not taken yet, and take it."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


def _survey_sheet(sheet: Worksheet, definition, languages, lists) -> None:
    """Write the items, one group per section."""
    sheet.title = SURVEY
    columns = (
        ["type", "name"]
        + [language_header("label", lang) for lang in languages]
        + [language_header("hint", lang) for lang in languages]
        + ["required", "relevant", "constraint"]
        + [language_header("constraint_message", lang) for lang in languages]
        + EXTRA_COLUMNS
    )
    _header(sheet, columns)
    for section in definition["sections"]:
        _row(sheet, columns, {"type": "begin group", "name": section["code"],
                              **_translated("label", section["label"])})
        for item in section["items"]:
            _row(sheet, columns, _item_cells(item, lists))
        _row(sheet, columns, {"type": "end group"})


def _item_cells(item: dict[str, Any], lists: dict[str, str]) -> dict[str, Any]:
    """Return the survey-sheet cells of one item, keyed by column header."""
    kind = item["type"]
    cells: dict[str, Any] = {
        "type": f"{SELECT_TYPES[kind]} {lists[item['code']]}" if kind in SELECT_TYPES else kind,
        "name": item["code"],
        "required": "yes" if item.get("required") else None,
        "relevant": item.get("relevant"),
        "constraint": item.get("constraint"),
        TYPE_COLUMN: kind if kind in ("likert5", "yes_no") else None,
        DIMENSION_COLUMN: item.get("dimension"),
        SCORE_COLUMN: _compact_json(item["score"]) if "score" in item else None,
        ROLE_COLUMN: item.get("role"),
        PII_COLUMN: "yes" if item.get("pii") else None,
        MIN_COLUMN: number_cell(item.get("min")),
        MAX_COLUMN: number_cell(item.get("max")),
        INLINE_COLUMN: INLINE_MARK if isinstance(item.get("choices"), list) else None,
    }
    for base in ("label", "hint", "constraint_message"):
        cells.update(_translated(base, item.get(base, {})))
    return cells


def _choices_sheet(sheet: Worksheet, definition, languages, lists) -> None:
    """Write the named lists, the inline lists under their item's list name, and the yes/no list."""
    columns = ["list_name", "name"] + [language_header("label", lang) for lang in languages]
    _header(sheet, columns)
    written = set()
    for name, choices in definition["choice_lists"].items():
        _choice_rows(sheet, columns, name, choices)
        written.add(name)
    for item in (i for s in definition["sections"] for i in s["items"]):
        name = lists.get(item["code"])
        if name is None or name in written:
            continue
        choices = item["choices"] if item["type"] != "yes_no" else [
            {"value": value, "label": YES_NO_LABELS[value]} for value in YES_NO_VALUES
        ]
        _choice_rows(sheet, columns, name, choices)
        written.add(name)


def _choice_rows(sheet: Worksheet, columns: list[str], name: str, choices: list[dict]) -> None:
    """Write one choice list."""
    for choice in choices:
        _row(sheet, columns, {"list_name": name, "name": choice["value"],
                              **_translated("label", choice["label"])})


def _settings_sheet(sheet: Worksheet, definition, languages) -> None:
    """Write the form settings and hailong's metadata in one row."""
    default = definition["default_language"]
    metadata: dict[str, Any] = {
        "form_title": definition["title"].get(default) or definition["title"]["vi"],
        "form_id": definition["code"],
        "version": definition["version"],
        "default_language": language_name(default),
        FAMILY_SETTING: definition["family"],
        LANGUAGES_SETTING: " ".join(definition["languages"]),
        EFFECTIVE_DATE_SETTING: definition.get("effective_date"),
    }
    translated = {TITLE_SETTING: "title", SOURCE_SETTING: "source", DESCRIPTION_SETTING: "description"}
    columns = list(metadata) + [
        language_header(base, lang) for base in translated for lang in languages
    ]
    cells = dict(metadata)
    for base, key in translated.items():
        cells.update(_translated(base, definition.get(key, {})))
    _header(sheet, columns)
    _row(sheet, columns, cells)


def _dimensions_sheet(sheet: Worksheet, definition, languages) -> None:
    """Write the dimension tree, one node per row below its parent."""
    columns = ["code", "parent", "aggregate"] + [
        language_header("label", lang) for lang in languages
    ] + ["alternatives"]
    _header(sheet, columns)
    stack = [(definition["dimensions"], None)]
    while stack:
        node, parent = stack.pop(0)
        cells = {"code": node["code"], "parent": parent, "aggregate": node["aggregate"],
                 **_translated("label", node["label"])}
        if node.get("alternatives"):
            cells["alternatives"] = _compact_json(node["alternatives"])
        _row(sheet, columns, cells)
        stack[0:0] = [(child, node["code"]) for child in node.get("children", [])]


def _translated(base: str, labels: dict[str, str]) -> dict[str, str]:
    """Return the cells of a label in every language it has."""
    return {language_header(base, lang): text for lang, text in labels.items()}


def _compact_json(value: Any) -> str:
    """Return compact JSON that keeps Vietnamese readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _header(sheet: Worksheet, columns: list[str]) -> None:
    """Write the bold header row and keep it visible while scrolling."""
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _row(sheet: Worksheet, columns: list[str], cells: dict[str, Any]) -> None:
    """Append a row; text starting with '=' stays text instead of becoming a formula."""
    sheet.append([cells.get(column) for column in columns])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
