"""Building the analyze command's design: sampling design, calibration, trimming, replicates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.calibration import calibrate, poststratify, rake, trim
from analysis.command_data import InputError, Table, read_margins
from analysis.design import Design
from analysis.replicates import ReplicateDesign


@dataclass(frozen=True)
class DesignOptions:
    """The design options of the command line, as given."""

    weight: str | None = None
    strata: str | None = None
    clusters: tuple[str, ...] = ()
    fpc: tuple[str, ...] = ()
    lonely_psu: str = "fail"
    replicates: str | None = None
    replicate_count: int | None = None
    seed: int | None = None
    poststratify: str | None = None
    rake: tuple[str, ...] = ()
    calibrate: tuple[str, ...] = ()
    trim: str | None = None


def build_design(table: Table, options: DesignOptions) -> Design | ReplicateDesign:
    """Return the design the options describe: replicated, calibrated and trimmed, in that order.

    Replicate weights come first so that every replicate is calibrated and trimmed again, as R's
    ``calibrate(as.svrepdesign(design), ...)`` does.
    """
    if (options.replicate_count or options.seed is not None) and not options.replicates:
        raise InputError("--replicate-count và --seed cần --replicates / --replicate-count and --seed "
                         "need --replicates")
    weights = None
    if options.weight:
        weights = _complete_numbers(table, options.weight, "weight")
        if np.any(weights < 0):
            raise InputError(f"trọng số âm / negative weights in column {options.weight!r}")
    design = Design(
        weights=weights,
        strata=table.labels(options.strata) if options.strata else None,
        clusters=[table.labels(column) for column in options.clusters],
        fpc=[_complete_numbers(table, column, "fpc") for column in options.fpc],
        lonely_psu=options.lonely_psu,
        n=table.rows,
    )
    if options.replicates:
        design = ReplicateDesign.from_design(
            design, options.replicates, replicates=options.replicate_count, seed=options.seed
        )
    design = _calibrated(table, design, options)
    if options.trim:
        low, high = _bounds(options.trim)
        design = trim(design, low, high)
    return design


def _calibrated(table: Table, design: Design | ReplicateDesign, options: DesignOptions):
    """Apply --poststratify, then --rake, then --calibrate."""
    if options.poststratify:
        column, path = _assignment(options.poststratify, "--poststratify")
        labels = table.labels(column)
        design = poststratify(design, labels, _margins(table, column, path, labels))
    if options.rake:
        margins = {}
        for text in options.rake:
            column, path = _assignment(text, "--rake")
            labels = table.labels(column)
            margins[column] = (labels, _margins(table, column, path, labels))
        design = rake(design, margins)
    if options.calibrate:
        design = _greg(table, design, options.calibrate)
    return design


def _greg(table: Table, design: Design | ReplicateDesign, assignments: tuple[str, ...]):
    """Calibrate to categorical margins (files) and numeric totals (numbers), like R calibrate()."""
    categorical, numeric = {}, {}
    for text in assignments:
        column, value = _assignment(text, "--calibrate")
        try:
            total = float(value)
        except ValueError:
            labels = table.labels(column)
            categorical[column] = (labels, _margins(table, column, value, labels))
        else:
            numeric[column] = (_complete_numbers(table, column, "calibration"), total)
    size = None
    if categorical:
        sizes = {column: sum(margins.values()) for column, (_, margins) in categorical.items()}
        size = next(iter(sizes.values()))
        if any(not np.isclose(other, size, rtol=1e-9) for other in sizes.values()):
            raise InputError(
                "tổng các biên không khớp / inconsistent margins: the categorical margins sum to "
                + ", ".join(f"{column}: {total:g}" for column, total in sizes.items())
            )
    return calibrate(design, categorical=categorical, numeric=numeric, population_size=size)


def _margins(table: Table, column: str, path: str, labels: np.ndarray) -> dict[str, float]:
    """Read a margins file and check it names every category of the data."""
    margins = read_margins(path, column, numeric=column in table.numeric)
    absent = sorted(set(labels.tolist()) - set(margins))
    if absent:
        raise InputError(
            f"thiếu tổng thể / margins file {path} has no total for {column} = {', '.join(absent)}"
        )
    return margins


def _complete_numbers(table: Table, column: str, role: str) -> np.ndarray:
    """Return a numeric column that must have no missing values."""
    values = table.number(column)
    if np.isnan(values).any():
        raise InputError(f"cột {role} {column!r} có giá trị thiếu / {role} column {column!r} has missing values")
    return values


def _assignment(text: str, option: str) -> tuple[str, str]:
    """Split ``COL=VALUE`` at the first ``=`` (column names may not contain it)."""
    column, sep, value = text.partition("=")
    if not sep or not column.strip() or not value.strip():
        raise InputError(f"{option} cần dạng COL=... / {option} needs COL=VALUE, got {text!r}")
    return column.strip(), value.strip()


def _bounds(text: str) -> tuple[float, float]:
    """Parse ``LOW,HIGH`` for --trim."""
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise InputError(f"--trim cần LOW,HIGH / --trim needs LOW,HIGH, got {text!r}") from None
    if not 0 <= low < high:
        raise InputError(f"--trim cần 0 <= LOW < HIGH / --trim needs 0 <= LOW < HIGH, got {text!r}")
    return low, high
