"""Write a drawn sample to CSV or XLSX: selected units, and respondent draws without personal data."""

from __future__ import annotations

import csv

from openpyxl import Workbook
from sqlalchemy.orm import Session

from survey.db.fieldwork import FieldSurvey
from survey.domain.sampling import SamplingError
from survey.services.sampling import sample_respondents, sample_units

FORMATS = ("csv", "xlsx")


def export_sample(session: Session, survey: FieldSurvey, path: str, file_format: str = "csv") -> int:
    """Write the sample to ``path`` and return the number of selected units written.

    CSV holds the selected units (one row per unit and stage); XLSX adds a ``respondents`` sheet
    with the drawn listing positions, order, role and status. Names and addresses never leave the
    database.
    """
    if survey.status != "drawn":
        raise SamplingError("not_drawn", f"{survey.code}: mẫu chưa được rút", f"{survey.code}: no sample drawn yet")
    units = sample_units(session, survey)
    if file_format == "csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            _write_csv(handle, units)
    elif file_format == "xlsx":
        workbook = Workbook()
        _fill(workbook.active, "units", units)
        _fill(workbook.create_sheet(), "respondents", sample_respondents(session, survey))
        workbook.save(path)
    else:
        raise ValueError(f"unknown format {file_format!r}")
    return len(units)


def _write_csv(handle, rows: list[dict]) -> None:
    writer = csv.writer(handle)
    if rows:
        writer.writerow(rows[0].keys())
        writer.writerows(row.values() for row in rows)


def _fill(sheet, title: str, rows: list[dict]) -> None:
    sheet.title = title
    if rows:
        sheet.append(list(rows[0].keys()))
        for row in rows:
            sheet.append(list(row.values()))
