"""Writing the analyze command's results as JSON, CSV or an aligned text table."""

from __future__ import annotations

import csv
import io
import json
import math

from analysis.estimate import Estimate

KEYS = ("statistic", "target", "domain", "estimate", "se", "ci_low", "ci_high", "df", "n", "n_eff", "deff")


def record(estimate: Estimate) -> dict:
    """Return the JSON element of one estimate: exactly KEYS, non-finite numbers as null."""
    values = {
        "statistic": estimate.statistic,
        "target": estimate.target,
        "domain": dict(estimate.domain) if estimate.domain else None,
        "estimate": estimate.estimate,
        "se": estimate.se,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "df": estimate.df,
        "n": int(estimate.n),
        "n_eff": estimate.n_eff,
        "deff": estimate.deff,
    }
    return {key: _finite(value) for key, value in values.items()}


def render(estimates: list[Estimate], form: str) -> str:
    """Render estimates as ``json``, ``csv`` or ``table``."""
    records = [record(estimate) for estimate in estimates]
    if form == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    rows = [[_cell(key, item[key], precise=form == "csv") for key in KEYS] for item in records]
    if form == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(KEYS)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    return _aligned([list(KEYS), *rows])


def _aligned(rows: list[list[str]]) -> str:
    """Align columns: text left, numbers right, two spaces apart."""
    widths = [max(len(row[j]) for row in rows) for j in range(len(rows[0]))]
    numeric = [j >= 3 for j in range(len(widths))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if is_number else cell.ljust(width)
            for cell, width, is_number in zip(row, widths, numeric)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cell(key: str, value, *, precise: bool) -> str:
    """Format one value: every digit for CSV, six significant digits (two decimals) for tables."""
    if value is None:
        return ""
    if key == "domain":
        return ";".join(f"{name}={label}" for name, label in value.items())
    if isinstance(value, float):
        if precise:
            return repr(value)
        return f"{value:.2f}" if abs(value) >= 1e4 else f"{value:.6g}"
    return str(value)


def _finite(value):
    """Return None for nan and infinities, the value otherwise."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
