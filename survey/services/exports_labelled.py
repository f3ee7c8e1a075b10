"""Stata (.dta) and SPSS (.sav) exports with variable and value labels, through pyreadstat.

pyreadstat writes from a pandas data frame, so these formats hold the whole export in memory: a request
above ``MAX_CELLS`` responses × columns is refused before anything is read (use CSV, which streams, or
filter by unit or period). About 50 bytes per cell were measured (docs/benchmarks.md, "Exports"), so
the default bound of 20 million cells keeps the export under about 1 GB of memory.

Choice codes and yes/no answers become numbers with value labels, as Stata and SPSS users expect:
yes = 1, no = 0; a choice is its position (1, 2, ...) in the union of the versions' choice lists, the
order the ``value_labels`` sheet of the XLSX export shows. Labels are in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pyreadstat
from sqlalchemy.orm import Session

from survey.services.exports import ExportError, ExportRequest, count, iter_rows, layout_for
from survey.services.exports_layout import Column, Layout

MAX_CELLS = 20_000_000
STATA_NAME_LENGTH = 32
STATA_LABEL_LENGTH = 80
SPSS_LABEL_LENGTH = 255


def write_labelled(session: Session, request: ExportRequest, path, file_format: str,
                   max_cells: int = MAX_CELLS, progress: Callable[[int], None] | None = None) -> int:
    """Write a .dta (``file_format`` "dta") or .sav ("sav") file; return the responses written."""
    layout = layout_for(session, request.code)
    total = count(session, request)
    if total * len(layout.columns) > max_cells:
        raise ExportError(
            "too_large",
            f"{total} phản hồi × {len(layout.columns)} cột vượt giới hạn {max_cells} ô của tệp "
            f"{file_format}: hãy dùng CSV hoặc lọc theo đơn vị, kỳ.",
            f"{total} responses × {len(layout.columns)} columns exceed the {max_cells}-cell limit of "
            f"{file_format} files: use CSV or filter by unit or period.",
        )
    codes = {column.name: _codes(column) for column in layout.columns if column.type == "code"}
    data: dict[str, list] = {name: [] for name in layout.names}
    for row in iter_rows(session, request, layout):
        for name, value in zip(layout.names, row):
            data[name].append(codes[name].get(value) if name in codes and value is not None else value)
        if progress is not None:
            progress(1)
    frame = _frame(layout, data)
    names = stata_names(layout.names) if file_format == "dta" else dict(zip(layout.names, layout.names))
    frame = frame.rename(columns=names)
    limit = STATA_LABEL_LENGTH if file_format == "dta" else SPSS_LABEL_LENGTH
    labels = {names[c.name]: _variable_label(c, names[c.name])[:limit] for c in layout.columns}
    value_labels = {names[c.name]: _value_labels(c, codes) for c in layout.columns if c.values}
    value_labels = {name: mapping for name, mapping in value_labels.items() if mapping}
    if file_format == "dta":
        pyreadstat.write_dta(frame, str(path), column_labels=labels, variable_value_labels=value_labels,
                             file_label=f"hailong {layout.code}")
    else:
        pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=value_labels,
                             file_label=f"hailong {layout.code}")
    return len(frame)


def stata_names(names: list[str]) -> dict[str, str]:
    """Map column names to Stata names: at most 32 characters, unique (a numbered suffix if cut)."""
    mapped: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        candidate = re.sub(r"[^A-Za-z0-9_]", "_", name)[:STATA_NAME_LENGTH]
        number = 1
        while candidate in used:
            number += 1
            suffix = f"_{number}"
            candidate = candidate[:STATA_NAME_LENGTH - len(suffix)] + suffix
        used.add(candidate)
        mapped[name] = candidate
    return mapped


def _codes(column: Column) -> dict:
    """Return the numeric code of each stored value of a choice-like column."""
    values = [value for value, _vi, _en in column.values]
    if values == ["yes", "no"]:
        return {"yes": 1, "no": 0}
    return {value: position for position, value in enumerate(values, start=1)}


def _frame(layout: Layout, data: dict[str, list]) -> pd.DataFrame:
    """Build the data frame with a dtype per column type (numbers as float64 with NaN missing)."""
    series = {}
    for column in layout.columns:
        values = data[column.name]
        if column.type in ("integer", "number", "code"):
            series[column.name] = pd.Series(values, dtype="float64")
        elif column.type == "date":
            # datetime.date objects are written as dates (Stata %td, SPSS DATE), not timestamps.
            series[column.name] = pd.Series(values, dtype=object)
        else:
            series[column.name] = pd.Series(["" if v is None else str(v) for v in values], dtype=object)
    return pd.DataFrame(series, columns=layout.names)


def _variable_label(column: Column, name: str) -> str:
    """Return the Vietnamese label, naming the full column when Stata had to shorten it."""
    return column.label_vi if name == column.name else f"{column.name}: {column.label_vi}"


def _value_labels(column: Column, codes: dict[str, dict]) -> dict:
    """Return {number: label} for a labelled column (likert points, choices, yes/no)."""
    if column.type == "code":
        mapping = codes[column.name]
        return {float(mapping[value]): label for value, label, _en in column.values}
    if column.type == "integer":
        return {float(value): label for value, label, _en in column.values if isinstance(value, int)}
    return {}
