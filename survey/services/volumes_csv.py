"""Read transaction-volume files exported by the one-stop system (CSV) into rows to import."""

from __future__ import annotations

import csv
import io

from survey.services.volumes import (
    Problem,
    VolumeImportError,
    VolumeRow,
    parse_day,
    parse_processed,
)

COLUMNS = ("unit_code", "service_code", "day", "processed")


def read_csv(data: bytes) -> list[VolumeRow]:
    """Return the rows of a CSV file, or raise VolumeImportError naming every bad line.

    The file is UTF-8, with or without a byte-order mark (spreadsheets add one), with the header
    ``unit_code,service_code,day,processed`` in any column order; extra columns are ignored.
    Problems of form (dates, counts, missing cells) are all reported here; codes unknown to the
    database are reported by ``import_rows`` once the form is right.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VolumeImportError([Problem(
            None, "encoding",
            f"Tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}). Hãy lưu tệp dạng CSV UTF-8.",
            f"The file is not UTF-8 (bad byte at position {exc.start}). Save it as CSV UTF-8.",
        )]) from None
    if "\x00" in text:  # PostgreSQL takes no NUL in a code; a file holding one is binary or UTF-16
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise VolumeImportError([Problem(line, "nul", "có ký tự NUL: tệp không phải CSV UTF-8",
                                         "holds a NUL character: the file is not CSV UTF-8")])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    positions = _header_positions(header)
    rows, problems = [], []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            problems.append(Problem(
                line, "columns",
                f"có {len(record)} cột, cần {len(header)} như dòng tiêu đề",
                f"has {len(record)} columns, the header has {len(header)}",
            ))
            continue
        row, row_problems = _row(line, {name: record[i].strip() for name, i in positions.items()})
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise VolumeImportError(problems)
    return rows


def _header_positions(header: list[str] | None) -> dict[str, int]:
    """Return the position of each required column, or raise naming the missing ones."""
    names = [cell.strip().lower() for cell in header or []]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        listed = ", ".join(missing)
        raise VolumeImportError([Problem(
            1, "header",
            f"thiếu cột {listed}; dòng đầu phải là: {','.join(COLUMNS)}",
            f"missing column(s) {listed}; the first line must be: {','.join(COLUMNS)}",
        )])
    return {column: names.index(column) for column in COLUMNS}


def _row(line: int, cells: dict[str, str]) -> tuple[VolumeRow | None, list[Problem]]:
    """Turn one record into a row, or return its problems."""
    problems = []
    for column in ("unit_code", "service_code"):
        if not cells[column]:
            problems.append(Problem(line, f"empty_{column}", f"{column} trống", f"{column} is empty"))
    day, problem = parse_day(line, cells["day"])
    if problem:
        problems.append(problem)
    processed, problem = parse_processed(line, cells["processed"])
    if problem:
        problems.append(problem)
    if problems:
        return None, problems
    return VolumeRow(line, cells["unit_code"], cells["service_code"], day, processed), []
