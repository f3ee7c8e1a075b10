"""Read the sheets of an XLSForm workbook into rows keyed by normalised column names."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import openpyxl
from openpyxl.workbook import Workbook

from survey.domain.problems import Problem, ProblemLog, QuestionnaireError
from survey.domain.xlsform_format import TRANSLATABLE, parse_language, text_value


@dataclass(frozen=True)
class Row:
    """One non-empty row of a sheet: its Excel row number and its non-empty cells by column key."""

    sheet: str
    number: int
    cells: Mapping[str, Any]

    @property
    def where(self) -> str:
        """Return the location of the row for problem reports."""
        return f"sheet '{self.sheet}' row {self.number}"

    def text(self, key: str) -> str | None:
        """Return the cell ``key`` as text, None when empty."""
        return text_value(self.cells.get(key))

    def labels(self, base: str) -> dict[str, str]:
        """Return the texts of a translatable column per language, e.g. ``{'vi': ..., 'en': ...}``."""
        prefix = f"{base}::"
        texts = {}
        for key, value in self.cells.items():
            text = text_value(value)
            if key.startswith(prefix) and text is not None:
                texts[key[len(prefix):]] = text
        return texts


@dataclass
class Sheet:
    """A sheet's column keys (in order) and its non-empty rows."""

    name: str
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def languages(self) -> list[str]:
        """Return the languages of the sheet's translatable columns, in column order."""
        found: list[str] = []
        for key in self.columns:
            base, _, language = key.rpartition("::")
            if base in TRANSLATABLE and language not in found:
                found.append(language)
        return found


def open_workbook(source: str | BinaryIO, name: str) -> Workbook:
    """Open an .xlsx workbook for reading values (not formulas); raise QuestionnaireError if unreadable."""
    try:
        with warnings.catch_warnings():
            # Files saved by Excel or Kobo carry extensions (data validation, conditional formats)
            # that openpyxl announces with a UserWarning and then ignores; they do not affect the form.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, ValueError, InvalidFileException...
        raise QuestionnaireError(
            [Problem(name, "", f"cannot read the workbook ({type(error).__name__}: {error}); "
                               "save the form as an Excel .xlsx file")]
        ) from None


def find_sheet(workbook: Workbook, name: str):
    """Return the worksheet called ``name`` (case and surrounding spaces ignored), or None."""
    for title in workbook.sheetnames:
        if title.strip().casefold() == name:
            return workbook[title]
    return None


def read_sheet(workbook: Workbook, name: str, default_language: str, log: ProblemLog) -> Sheet | None:
    """Return the sheet ``name`` with normalised column keys, or None when the workbook lacks it."""
    worksheet = find_sheet(workbook, name)
    if worksheet is None:
        return None
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, ())
    keys = _column_keys(name, header, default_language, log)
    sheet = Sheet(name, [k for k in keys if k is not None])
    for number, values in enumerate(rows, start=2):
        cells = {
            key: value for key, value in zip(keys, values)
            if key is not None and text_value(value) is not None
        }
        if cells:
            sheet.rows.append(Row(name, number, cells))
    return sheet


def _column_keys(sheet: str, header, default_language: str, log: ProblemLog) -> list[str | None]:
    """Return the key of every header cell, reporting unknown languages and duplicated columns."""
    keys: list[str | None] = []
    seen: dict[str, str] = {}
    for cell in header:
        text = text_value(cell)
        key = column_key(text, default_language) if text is not None else None
        if text is not None and key is None:
            log.add(
                f"sheet '{sheet}' column '{text}'",
                "cannot tell which language this column is in; name it like "
                "'label::Vietnamese (vi)', 'label::English (en)' or 'label::vi'",
            )
        elif key is not None and key in seen:
            log.add(
                f"sheet '{sheet}' column '{text}'",
                f"holds the same thing as column '{seen[key]}' ({key}); keep only one of them",
            )
            key = None
        elif key is not None:
            seen[key] = text
        keys.append(key)
    return keys


def column_key(header: str, default_language: str) -> str | None:
    """Return a header's key ('label::vi', 'relevant'), or None when it names an unknown language."""
    parts = [part.strip() for part in header.split("::")]
    whole = "::".join(parts).lower()
    if whole in TRANSLATABLE:
        return f"{whole}::{default_language}"
    base = "::".join(parts[:-1]).lower()
    if len(parts) > 1 and base in TRANSLATABLE:
        language = parse_language(parts[-1])
        return None if language is None else f"{base}::{language}"
    return whole


def warn_unused(sheet: Sheet, known: set[str], prefixes: tuple[str, ...], warnings: list[str]) -> None:
    """Warn once per column that hailong ignores although it holds something."""
    for column in sheet.columns:
        if column in known or column.startswith(prefixes):
            continue
        rows = [row.number for row in sheet.rows if row.text(column) is not None]
        if rows:
            warnings.append(f"sheet '{sheet.name}' column '{column}' ignored (rows {_row_list(rows)})")


def _row_list(numbers: list[int]) -> str:
    """Return row numbers for a message, shortened when there are many."""
    shown = ", ".join(map(str, numbers[:8]))
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")
