"""Read sampling frames and village listings from CSV files, naming every bad line in vi and en."""

from __future__ import annotations

import csv
import io
import math

from survey.domain.sampling_design import FrameUnit
from survey.services.volumes import Problem

FRAME_COLUMNS = ("code", "name", "parent_code", "level", "population", "households", "urban",
                 "certainty", "stratum")
FRAME_REQUIRED = ("code", "name", "level")
# Widths of the frame_units columns (PostgreSQL refuses longer text).
FRAME_LIMITS = {"code": 64, "parent_code": 64, "level": 32, "stratum": 64}
LISTING_COLUMNS = ("village_code", "name", "address")
_URBAN = {"urban": True, "thành thị": True, "1": True, "rural": False, "nông thôn": False, "0": False}
_FLAG = {"1": True, "yes": True, "true": True, "có": True, "0": False, "no": False, "false": False,
         "không": False, "": False}


class CsvImportError(Exception):
    """A file refused as a whole: nothing was stored. ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.text("en") for problem in problems[:5]))
        self.problems = problems


def records(data: bytes, required: tuple[str, ...]):
    """Yield (line, {column: cell}) for every non-empty record; check encoding and header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvImportError([Problem(
            None, "encoding",
            f"Tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}). Hãy lưu tệp dạng CSV UTF-8.",
            f"The file is not UTF-8 (bad byte at position {exc.start}). Save it as CSV UTF-8.")]) from None
    if "\x00" in text:  # PostgreSQL stores no NUL; a file holding one is binary or UTF-16
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvImportError([Problem(line, "nul", "có ký tự NUL: tệp không phải CSV UTF-8",
                                      "holds a NUL character: the file is not CSV UTF-8")])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(reader, None) or []]
    missing = [column for column in required if column not in header]
    if missing:
        raise CsvImportError([Problem(1, "header", f"thiếu cột {', '.join(missing)}",
                                      f"missing column(s) {', '.join(missing)}")])
    for record in reader:
        if any(cell.strip() for cell in record):
            cells = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
            yield reader.line_num, cells


def read_frame(data: bytes) -> list[FrameUnit]:
    """Return the frame units of a CSV file, or raise CsvImportError naming every bad line.

    Columns: ``code,name,parent_code,level`` and optionally ``population,households,urban,
    certainty,stratum`` (any order, extra columns ignored). Codes must be unique and every
    ``parent_code`` must be a code of the file.
    """
    units, problems, lines = [], [], {}
    for line, cells in records(data, FRAME_REQUIRED):
        code = cells["code"]
        if code and code in lines:
            problems.append(Problem(line, "duplicate_code", f"mã {code} đã có ở dòng {lines[code]}",
                                    f"code {code} already on line {lines[code]}"))
            continue
        lines.setdefault(code, line)
        unit, found = _frame_unit(line, cells)
        problems += found
        if unit is not None:
            units.append(unit)
    for unit in units:
        if unit.parent is not None and unit.parent not in lines:
            problems.append(Problem(lines[unit.code], "unknown_parent",
                                    f"mã cha {unit.parent} không có trong tệp",
                                    f"parent code {unit.parent} is not in the file"))
    if not units and not problems:
        problems.append(Problem(None, "empty", "Tệp không có dòng dữ liệu nào.", "The file has no rows."))
    if problems:
        raise CsvImportError(problems)
    return units


def _frame_unit(line: int, cells: dict[str, str]) -> tuple[FrameUnit | None, list[Problem]]:
    """Turn one record into a frame unit, or return its problems."""
    problems = [Problem(line, f"empty_{c}", f"{c} trống", f"{c} is empty")
                for c in FRAME_REQUIRED if not cells.get(c)]
    problems += [Problem(line, f"long_{c}", f"{c} dài quá {limit} ký tự", f"{c} is longer than {limit} characters")
                 for c, limit in FRAME_LIMITS.items() if len(cells.get(c, "")) > limit]
    sizes = {}
    for column in ("population", "households"):
        raw = cells.get(column, "").replace(",", "")
        try:
            sizes[column] = float(raw) if raw else None
        except ValueError:
            sizes[column] = None
            problems.append(Problem(line, f"bad_{column}", f"{column} không phải là số: {raw!r}",
                                    f"{column} is not a number: {raw!r}"))
        value = sizes[column]
        if value is not None and (not math.isfinite(value) or value < 0):
            problems.append(Problem(line, f"bad_{column}", f"{column} phải là số không âm",
                                    f"{column} must be a number not below 0"))
    urban_raw = cells.get("urban", "").lower()
    if urban_raw and urban_raw not in _URBAN:
        problems.append(Problem(line, "bad_urban", f"urban phải là urban/rural, nhận {urban_raw!r}",
                                f"urban must be urban or rural, got {urban_raw!r}"))
    flag_raw = cells.get("certainty", "").lower()
    if flag_raw not in _FLAG:
        problems.append(Problem(line, "bad_certainty", f"certainty phải là 1 hoặc 0, nhận {flag_raw!r}",
                                f"certainty must be 1 or 0, got {flag_raw!r}"))
    if problems:
        return None, problems
    return FrameUnit(
        code=cells["code"], name=cells["name"], parent=cells.get("parent_code") or None,
        level=cells["level"].lower(), population=sizes["population"], households=sizes["households"],
        urban=_URBAN.get(urban_raw) if urban_raw else None, certainty=_FLAG[flag_raw],
        stratum=cells.get("stratum") or None), []


def read_listing(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """Return {village code: [(name, address), ...]} in file order from ``village_code,name,address``."""
    listing: dict[str, list[tuple[str, str]]] = {}
    problems = []
    for line, cells in records(data, LISTING_COLUMNS[:2]):
        if not cells["village_code"] or not cells["name"]:
            problems.append(Problem(line, "empty_cell", "village_code và name không được trống",
                                    "village_code and name must not be empty"))
            continue
        listing.setdefault(cells["village_code"], []).append((cells["name"], cells.get("address", "")))
    if problems:
        raise CsvImportError(problems)
    return listing
