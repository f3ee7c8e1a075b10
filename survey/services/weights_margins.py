"""Census margins for raking (CSV ``variable,category,total``) and the respondents' categories."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.fieldwork import FieldSurvey, FrameUnitRow
from survey.db.responses import Answer
from survey.domain.sampling import SamplingError
from survey.services.sampling_csv import CsvImportError, records
from survey.services.volumes import Problem

URBAN_RURAL = "urban_rural"
_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


@dataclass(frozen=True)
class Margins:
    """Population totals per variable and category; ``items`` maps a variable to its item code.

    The variable ``urban_rural`` (categories ``urban``, ``rural``) comes from the village in the
    frame; any other variable is the answer to the item of the same name (or the one ``items``
    names). Categories written ``18-29`` bin a numeric answer (bounds included).
    """

    totals: dict[str, dict[str, float]]
    items: dict[str, str] = field(default_factory=dict)


def read_margins(data: bytes, items: dict[str, str] | None = None) -> Margins:
    """Read margins from CSV, or raise CsvImportError naming every bad line."""
    totals: dict[str, dict[str, float]] = {}
    problems = []
    for line, cells in records(data, ("variable", "category", "total")):
        try:
            value = float(cells["total"].replace(",", ""))
            if not (math.isfinite(value) and value >= 0):  # "inf" and "nan" parse as floats
                raise ValueError
        except ValueError:
            problems.append(Problem(line, "bad_total", f"total phải là số không âm: {cells['total']!r}",
                                    f"total must be a number not below 0: {cells['total']!r}"))
            continue
        totals.setdefault(cells["variable"], {})[cells["category"]] = value
    if problems or not totals:
        raise CsvImportError(problems or [Problem(None, "empty", "Tệp không có biên nào.",
                                                  "The file has no margins.")])
    return Margins(totals, dict(items or {}))


def respondent_categories(session: Session, survey: FieldSurvey, response_ids: list[int],
                          villages: list[str], margins: Margins) -> dict[str, np.ndarray]:
    """Return, per margin variable, every respondent's category (in ``response_ids`` order)."""
    found = {}
    for variable, categories in margins.totals.items():
        if variable == URBAN_RURAL:
            values = _urban_rural(session, survey, villages)
        else:
            values = _answers(session, response_ids, margins.items.get(variable, variable))
            ranges = [(_RANGE.match(c), c) for c in categories]
            if all(match for match, _ in ranges):
                values = [_bin(value, ranges) for value in values]
        missing = sum(value is None for value in values)
        if missing:
            raise SamplingError(
                "margin_missing", f"{variable}: {missing} người trả lời không có giá trị",
                f"{variable}: {missing} respondents have no value")
        found[variable] = np.array([str(value) for value in values], dtype=object)
    return found


def _answers(session: Session, response_ids: list[int], item: str) -> list:
    rows = session.execute(select(Answer.response_id, Answer.value_text, Answer.value_int,
                                  Answer.value_num).where(Answer.item_code == item,
                                                          Answer.response_id.in_(response_ids)))
    values = {}
    for response_id, text, integer, number in rows:
        values[response_id] = text if text is not None else integer if integer is not None else number
    return [values.get(response_id) for response_id in response_ids]


def _bin(value, ranges) -> str | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    for match, label in ranges:
        if int(match.group(1)) <= number <= int(match.group(2)):
            return label
    return None


def _urban_rural(session: Session, survey: FieldSurvey, villages: list[str]) -> list[str | None]:
    rows = session.execute(select(FrameUnitRow.code, FrameUnitRow.parent_code, FrameUnitRow.urban)
                           .where(FrameUnitRow.survey_id == survey.id)).all()
    parent = {code: parent_code for code, parent_code, _ in rows}
    urban = {code: flag for code, _, flag in rows}
    result = []
    for code in villages:
        while code is not None and urban.get(code) is None:
            code = parent.get(code)
        result.append(None if code is None else ("urban" if urban[code] else "rural"))
    return result
