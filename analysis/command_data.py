"""Reading the analyze command's CSV data and its small expression language.

Expressions: a proportion ``COL OP VALUE`` with OP one of ``= != < <= > >= in`` (``in`` takes a comma
list; spaces around OP are optional; column names may contain dots), a ratio ``NUM/DEN`` and an index
``NAME=mean(P; P; ...)`` whose parts are proportions.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MISSING = ("", "NA")


class InputError(ValueError):
    """Invalid command-line input, reported as a message and exit code 2."""


@dataclass(frozen=True)
class Table:
    """CSV columns as raw text (None = missing) with a float view of the numeric ones."""

    text: dict[str, list[str | None]]
    numeric: dict[str, np.ndarray]
    rows: int

    def require(self, column: str) -> None:
        """Raise InputError when ``column`` is not in the data."""
        if column not in self.text:
            known = ", ".join(self.text)
            raise InputError(f"không có cột / unknown column {column!r} (columns: {known})")

    def number(self, column: str) -> np.ndarray:
        """Return a numeric column as floats (NaN = missing)."""
        self.require(column)
        if column not in self.numeric:
            example = next(v for v in self.text[column] if v is not None)
            raise InputError(
                f"cột {column!r} không phải số / column {column!r} is not numeric (value {example!r})"
            )
        return self.numeric[column]

    def labels(self, column: str, *, complete: bool = True) -> np.ndarray:
        """Return a column as canonical text labels (numbers written without trailing zeros)."""
        self.require(column)
        values = [_canonical(value, column in self.numeric) for value in self.text[column]]
        if complete and any(value is None for value in values):
            raise InputError(
                f"cột {column!r} có giá trị thiếu / column {column!r} has missing values, "
                "which a design or calibration variable cannot have"
            )
        return np.array(["" if value is None else value for value in values])

    def domain_values(self, column: str) -> list:
        """Return a column's values for domains: numbers for numeric columns, text otherwise."""
        self.require(column)
        if column in self.numeric:
            return [None if math.isnan(v) else _plain_number(v) for v in self.numeric[column]]
        return list(self.text[column])


def read_table(path: str | Path) -> Table:
    """Read a CSV file with a header; empty cells and ``NA`` are missing."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"không đọc được tệp / cannot read {path}: {error}") from error
    if not header:
        raise InputError(f"tệp rỗng / {path} is empty (a header row is needed)")
    if len(set(header)) != len(header):
        raise InputError(f"tên cột trùng / duplicate column names in {path}")
    for number, record in enumerate(records, start=2):
        if len(record) != len(header):
            raise InputError(
                f"dòng {number} có {len(record)} ô / line {number} of {path} has {len(record)} cells, "
                f"the header has {len(header)}"
            )
    text = {
        name: [None if record[j].strip() in MISSING else record[j].strip() for record in records]
        for j, name in enumerate(header)
    }
    numeric = {}
    for name, values in text.items():
        parsed = _floats(values)
        if parsed is not None:
            numeric[name] = parsed
    return Table(text=text, numeric=numeric, rows=len(records))


@dataclass(frozen=True)
class Condition:
    """A parsed proportion expression ``column op values``."""

    column: str
    operator: str
    values: tuple[str, ...]

    def evaluate(self, table: Table) -> np.ndarray:
        """Return the event as 0/1 floats, NaN where the column is missing."""
        table.require(self.column)
        if self.column in table.numeric:
            return self._numeric(table.numeric[self.column])
        if self.operator not in ("=", "!=", "in"):
            raise InputError(
                f"phép so sánh {self.operator!r} cần cột số / {self.operator!r} needs a numeric column, "
                f"{self.column!r} is text"
            )
        raw = table.text[self.column]
        hit = np.array([value in self.values for value in raw], dtype=float)
        if self.operator == "!=":
            hit = 1.0 - hit
        hit[[value is None for value in raw]] = np.nan
        return hit

    def _numeric(self, column: np.ndarray) -> np.ndarray:
        """Compare a numeric column with the numbers given."""
        try:
            numbers = [float(value) for value in self.values]
        except ValueError:
            raise InputError(
                f"cột {self.column!r} là số, giá trị phải là số / column {self.column!r} is numeric, "
                f"so {', '.join(self.values)!r} must be a number"
            ) from None
        operations = {
            "=": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
            ">": np.greater, ">=": np.greater_equal,
        }
        if self.operator == "in":
            hit = np.isin(column, numbers)
        else:
            hit = operations[self.operator](column, numbers[0])
        return np.where(np.isnan(column), np.nan, hit.astype(float))


_CONDITION = re.compile(r"^(?P<column>.+?)\s*(?P<op>!=|<=|>=|==|=|<|>)\s*(?P<value>.*)$", re.DOTALL)
_MEMBERSHIP = re.compile(r"^(?P<column>.+?)\s+in\s+(?P<value>.+)$", re.DOTALL)
_INDEX = re.compile(r"^\s*(?P<name>[^=]+?)\s*=\s*mean\s*\((?P<parts>.*)\)\s*$", re.DOTALL)


def parse_condition(expression: str) -> Condition:
    """Parse ``COL OP VALUE``; ``in`` takes a comma-separated list, values may be quoted."""
    text = expression.strip()
    membership = _MEMBERSHIP.match(text)
    match = membership or _CONDITION.match(text)
    if not match or not match.group("column").strip() or not match.group("value").strip():
        raise InputError(
            f"không hiểu biểu thức / cannot read the proportion {expression!r}; write 'COL OP VALUE' "
            "with OP one of = != < <= > >= in (e.g. 'ell=0', 'api00 > 700', 'stype in E,M')"
        )
    operator = "in" if membership else {"==": "="}.get(match.group("op"), match.group("op"))
    raw = match.group("value")
    values = [_unquote(part) for part in raw.split(",")] if operator == "in" else [_unquote(raw)]
    if any(value == "" for value in values):
        raise InputError(f"thiếu giá trị / empty value in {expression!r}")
    return Condition(column=match.group("column").strip(), operator=operator, values=tuple(values))


def parse_ratio(expression: str, table: Table) -> tuple[str, str]:
    """Split ``NUM/DEN`` at the slash that leaves a known column on both sides."""
    pieces = expression.split("/")
    for cut in range(1, len(pieces)):
        numerator, denominator = "/".join(pieces[:cut]).strip(), "/".join(pieces[cut:]).strip()
        if numerator in table.text and denominator in table.text:
            return numerator, denominator
    if len(pieces) == 2:
        for column in (pieces[0].strip(), pieces[1].strip()):
            table.require(column)
    raise InputError(
        f"không hiểu tỉ số / cannot read the ratio {expression!r}; write NUM/DEN with two columns"
    )


def parse_index(expression: str) -> tuple[str, list[tuple[str, Condition]]]:
    """Parse ``NAME=mean(P; P; ...)`` into the name and its proportion conditions."""
    match = _INDEX.match(expression)
    parts = [part.strip() for part in match.group("parts").split(";")] if match else []
    if not match or not all(parts):
        raise InputError(
            f"không hiểu chỉ số / cannot read the index {expression!r}; write "
            "'NAME=mean(P; P; ...)' with each P like a --proportion (e.g. 'S=mean(a>=4; b>=4)')"
        )
    return match.group("name"), [(part, parse_condition(part)) for part in parts]


def read_margins(path: str, column: str, *, numeric: bool) -> dict[str, float]:
    """Read MARGINS.csv with the columns ``COL,total`` into {label: population total}.

    Labels of a numeric data column are written canonically, as ``Table.labels`` writes them.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise InputError(f"không đọc được tệp / cannot read margins {path}: {error}") from error
    if not rows or len(rows[0]) != 2 or rows[0][1].strip() != "total":
        raise InputError(f"tệp tổng thể / margins file {path} must have the two columns '{column},total'")
    margins = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        try:
            label, total = _canonical(row[0].strip(), numeric), float(row[1])
        except (ValueError, IndexError):
            raise InputError(f"dòng {number} của {path} / line {number} of {path}: need LABEL,NUMBER") from None
        if label in margins:
            raise InputError(f"nhãn trùng / label {label!r} appears twice in {path}")
        margins[label] = total
    if not margins:
        raise InputError(f"tệp tổng thể rỗng / margins file {path} has no rows")
    return margins


def _floats(values: list[str | None]) -> np.ndarray | None:
    """Return the column as floats, or None if a present value is not a number."""
    try:
        return np.array([np.nan if value is None else float(value) for value in values], dtype=float)
    except ValueError:
        return None


def _canonical(value: str | None, numeric: bool) -> str | None:
    """Write numbers as the shortest text (``1.0`` and ``1`` agree); leave text as it is."""
    if value is None or not numeric:
        return value
    try:
        return repr(_plain_number(float(value)))
    except ValueError:
        return value


def _plain_number(value: float) -> int | float:
    """Return an integral float as int, others unchanged."""
    return int(value) if float(value).is_integer() else float(value)


def _unquote(value: str) -> str:
    """Strip spaces and one pair of matching quotes."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
