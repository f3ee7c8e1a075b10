"""Sampling designs: weights, strata, multistage clusters, finite population corrections."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.linearization import SELF_REPRESENTING, Stage, multistage_covariance

LONELY_PSU = ("fail", "remove", "adjust", "average", "certainty")


class DesignError(ValueError):
    """Invalid design input: lengths, weights, fpc, strata with a single PSU under ``fail``."""


def label_codes(labels, n: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Return integer codes and the sorted distinct labels of an (n,) label array."""
    values = np.asarray(labels)
    if values.shape != (n,):
        raise DesignError(
            f"{what} có {values.size} giá trị, cần {n} (mỗi dòng một giá trị) / "
            f"{what} has {values.size} values, expected {n} (one per row)"
        )
    missing = values.dtype.kind == "f" and np.isnan(values).any()
    if values.dtype.kind == "O":
        missing = bool((np.equal(values, None) | np.not_equal(values, values)).any())
    if missing:
        raise DesignError(f"{what} có giá trị thiếu / {what} has missing values")
    try:
        uniques, codes = np.unique(values, return_inverse=True)
    except TypeError:
        uniques, codes = np.unique(values.astype(str), return_inverse=True)
    return codes.astype(np.int64), uniques


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def nested_codes(parent: np.ndarray, child: np.ndarray) -> np.ndarray:
    """Return codes of the (parent, child) combinations, so that child labels nest in parents."""
    _, codes = np.unique(parent * (int(child.max()) + 1) + child, return_inverse=True)
    return codes.astype(np.int64)


def _first_of_group(codes: np.ndarray, size: int) -> np.ndarray:
    """Return the index of the first row of each of ``size`` groups."""
    first = np.full(size, -1)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    return first


class Design:
    """A sampling design over n rows (immutable).

    Parameters
    ----------
    weights : (n,) array, optional
        Sampling weights. Without weights, they follow from ``fpc`` (the inverse of the product of
        the stage sampling fractions, as in R) or are all one.
    strata : (n,) labels, optional
        First-stage strata.
    clusters : sequence of (n,) label arrays
        One per stage, stage 1 = PSU, interpreted within strata and within the previous stage's
        units (R ``nest=TRUE``). Without clusters each row is its own PSU.
    fpc : sequence of (n,) arrays
        One per stage (possibly fewer than the stages): population counts of units in the row's
        stratum or parent unit, or sampling fractions (all values <= 1).
    lonely_psu : {"fail", "remove", "adjust", "average", "certainty"}
        Handling of strata with a single PSU, R ``survey.lonely.psu`` semantics.
    n : int, optional
        Number of rows, needed only when no other argument gives it.
    """

    def __init__(
        self, *, weights=None, strata=None, clusters=(), fpc=(), lonely_psu="fail", n=None
    ):
        if lonely_psu not in LONELY_PSU:
            raise DesignError(
                f"lonely_psu phải là một trong {', '.join(LONELY_PSU)}, không phải {lonely_psu!r} / "
                f"lonely_psu must be one of {', '.join(LONELY_PSU)}, not {lonely_psu!r}"
            )
        clusters, fpc = list(clusters), list(fpc)
        n = _row_count(n, weights, strata, clusters, fpc)
        if len(fpc) > max(len(clusters), 1):
            raise DesignError(
                f"có {len(fpc)} cột fpc cho {max(len(clusters), 1)} giai đoạn chọn mẫu / "
                f"{len(fpc)} fpc columns given for {max(len(clusters), 1)} sampling stages"
            )
        self.n = n
        self.lonely_psu = lonely_psu
        self.strata_labels: np.ndarray
        strata_codes, self.strata_labels = (
            label_codes(strata, n, "strata")
            if strata is not None
            else (np.zeros(n, np.int64), np.array([1]))
        )
        self.has_strata = strata is not None
        self.stages = _build_stages(strata_codes, clusters, fpc, n)
        self.weights = _weights(weights, self.stages, len(fpc), n)
        self.steps: tuple = ()
        self.recipe: tuple = ()
        self.base_weights = self.weights
        self._check_lonely()

    def _check_lonely(self) -> None:
        if self.lonely_psu != "fail":
            return
        for number, stage in enumerate(self.stages, start=1):
            lonely = stage.lonely_groups()
            if lonely.any():
                where = int(np.flatnonzero(lonely)[0])
                if number == 1:
                    label = _plain(self.strata_labels[where])
                    raise DesignError(
                        f"tầng {label!r} chỉ có một PSU; hãy chọn lonely_psu remove, adjust, "
                        "average hoặc certainty, hoặc gộp tầng / "
                        f"stratum {label!r} has only one PSU; choose lonely_psu "
                        "remove, adjust, average or certainty, or merge strata"
                    )
                raise DesignError(
                    f"một nhóm ở giai đoạn {number} chỉ có một đơn vị được chọn và không phải "
                    "tổng điều tra; hãy chọn tùy chọn lonely_psu khác / "
                    f"a stage-{number} unit group has only one sampled unit and no census; "
                    "choose another lonely_psu option"
                )
            if not np.isfinite(stage.popsize).all():
                return

    def derive(self, weights: np.ndarray, step=None, reweight=None) -> Design:
        """Return a copy with new weights, one more calibration step and its reweighting function.

        ``reweight(w) -> w*`` repeats the calibration on other weights (replicates); ``recipe``
        keeps them in order and ``base_weights`` the weights before the first of them.
        """
        other = object.__new__(Design)
        other.__dict__.update(self.__dict__)
        other.weights = _frozen(np.asarray(weights, dtype=float))
        other.steps = self.steps + ((step,) if step is not None else ())
        other.recipe = self.recipe + ((reweight,) if reweight is not None else ())
        return other

    @property
    def psu(self) -> np.ndarray:
        """Return the first-stage unit code of each row (unique across strata)."""
        return self.stages[0].unit

    @property
    def strata(self) -> np.ndarray:
        """Return the stratum code of each row."""
        return self.stages[0].group

    def degrees_of_freedom(self, mask=None) -> float:
        """Return PSUs minus strata among rows with non-zero weight (and in ``mask``), as R ``degf``."""
        inset = self.weights != 0
        if mask is not None:
            inset &= np.asarray(mask, dtype=bool)
        stage = self.stages[0]
        units = np.bincount(stage.unit[inset], minlength=stage.unit_group.size) > 0
        groups = np.bincount(stage.unit_group[units], minlength=stage.n_units.size) > 0
        return float(units.sum() - groups.sum())

    def covariance(self, scores: np.ndarray) -> np.ndarray:
        """Return the (k, k) covariance of the totals ``t_j = sum_i w_i z_ij``.

        Parameters
        ----------
        scores : (n,) or (n, k) array
            Scores ``z`` (influence values for nonlinear estimators).

        Notes
        -----
        Calibration steps replace ``w z`` by calibration residuals first (R ``svyrecvar``); the
        multistage variance is then computed by :func:`analysis.linearization.multistage_covariance`.
        """
        z = np.asarray(scores, dtype=float)
        z = z.reshape(self.n, -1)
        if z.shape[0] != self.n:
            raise DesignError(f"scores have {z.shape[0]} rows, the design has {self.n}")
        x = z * self.weights[:, None]
        for step in self.steps:
            x = step.residuals(x)
        return multistage_covariance(x, self.stages, self.lonely_psu)

    def __repr__(self) -> str:
        stage1 = self.stages[0]
        return (
            f"Design(n={self.n}, strata={stage1.n_units.size}, psu={stage1.unit_group.size}, "
            f"stages={len(self.stages)}, calibration_steps={len(self.steps)}, lonely_psu={self.lonely_psu!r})"
        )


def _frozen(values: np.ndarray) -> np.ndarray:
    values = np.array(values, dtype=float)
    values.setflags(write=False)
    return values


def _row_count(n, weights, strata, clusters, fpc) -> int:
    for candidate in (weights, strata, *clusters, *fpc):
        if candidate is not None:
            size = np.asarray(candidate).shape[0] if np.ndim(candidate) else None
            if n is None:
                n = size
            elif size != n:
                raise DesignError(
                    f"các mảng của thiết kế có độ dài khác nhau ({size} và {n}) / "
                    f"design arrays have different lengths ({size} and {n})"
                )
    if n is None:
        raise DesignError(
            "hãy cho n, trọng số, tầng, cụm hoặc fpc để biết số dòng / "
            "give n, weights, strata, clusters or fpc so the number of rows is known"
        )
    if n < 1:
        raise DesignError("thiết kế cần ít nhất một dòng / a design needs at least one row")
    return int(n)


def _build_stages(strata_codes: np.ndarray, clusters: list, fpc: list, n: int) -> tuple[Stage, ...]:
    unit_arrays = clusters or [np.arange(n)]
    popsizes = _population_sizes(fpc, n)
    stages = []
    group = strata_codes
    for number, labels in enumerate(unit_arrays, start=1):
        codes, _ = label_codes(labels, n, f"clusters at stage {number}")
        unit = nested_codes(group, codes)
        n_groups, n_unit = int(group.max()) + 1, int(unit.max()) + 1
        unit_group = group[_first_of_group(unit, n_unit)]
        n_units = np.bincount(unit_group, minlength=n_groups).astype(float)
        popsize = np.full(n_groups, np.inf)
        if number <= len(popsizes):
            popsize = _group_popsize(popsizes[number - 1], group, n_groups, n_units, number)
        stages.append(
            Stage(group=group, unit=unit, unit_group=unit_group, n_units=n_units, popsize=popsize)
        )
        group = unit
    return tuple(stages)


def _population_sizes(fpc: list, n: int) -> list[tuple[np.ndarray, bool]]:
    arrays = []
    for number, values in enumerate(fpc, start=1):
        values = np.asarray(values, dtype=float)
        if values.shape != (n,):
            raise DesignError(
                f"fpc ở giai đoạn {number} có {values.size} giá trị, cần {n} / "
                f"fpc at stage {number} has {values.size} values, expected {n}"
            )
        if not np.isfinite(values).all() or (values <= 0).any():
            raise DesignError(
                f"fpc ở giai đoạn {number} phải dương và không được thiếu / "
                f"fpc at stage {number} must be positive and not missing"
            )
        arrays.append(values)
    if not arrays:
        return []
    every = np.concatenate(arrays)
    as_counts = bool((every >= 1).all())
    if not as_counts and (every > 1).any():
        raise DesignError(
            "fpc phải toàn là số đơn vị tổng thể (>= 1) hoặc toàn là tỷ lệ chọn mẫu (<= 1) / "
            "fpc must be all population counts (>= 1) or all sampling fractions (<= 1)"
        )
    return [(values, as_counts) for values in arrays]


def _group_popsize(fpc: tuple[np.ndarray, bool], group, n_groups, n_units, number) -> np.ndarray:
    values, as_counts = fpc
    first = values[_first_of_group(group, n_groups)]
    if not np.allclose(values, first[group], rtol=1e-12, atol=0):
        raise DesignError(
            f"fpc ở giai đoạn {number} thay đổi trong cùng một tầng hoặc đơn vị / "
            f"fpc at stage {number} varies within a stratum or unit"
        )
    popsize = first if as_counts else n_units / first
    too_small = popsize < n_units * (1 - 1e-12)
    if too_small.any():
        g = int(np.flatnonzero(too_small)[0])
        raise DesignError(
            f"fpc ở giai đoạn {number} nhỏ hơn mẫu: tổng thể {popsize[g]:g}, đã chọn "
            f"{int(n_units[g])} đơn vị / "
            f"fpc at stage {number} is smaller than the sample: population {popsize[g]:g}, "
            f"{int(n_units[g])} units sampled"
        )
    return np.maximum(popsize, n_units)


def _weights(weights, stages: Sequence[Stage], n_fpc: int, n: int) -> np.ndarray:
    if weights is None:
        if n_fpc == 0:
            return _frozen(np.ones(n))
        if n_fpc < len(stages):
            raise DesignError(
                "hãy cho trọng số, hoặc fpc cho mọi giai đoạn để suy ra trọng số / "
                "give weights, or an fpc for every stage so the weights follow from it"
            )
        probability = np.ones(n)
        for stage in stages:
            probability *= stage.fraction[stage.group]
        return _frozen(1.0 / probability)
    values = np.asarray(weights, dtype=float)
    if values.shape != (n,):
        raise DesignError(
            f"trọng số có {values.size} giá trị, cần {n} / weights have {values.size} values, "
            f"expected {n}"
        )
    if not np.isfinite(values).all():
        raise DesignError(
            "trọng số không được thiếu hoặc vô hạn / weights must not be missing or infinite"
        )
    if (values < 0).any():
        row = int(np.flatnonzero(values < 0)[0])
        raise DesignError(
            f"trọng số không được âm (dòng {row}) / weights must not be negative (row {row})"
        )
    return _frozen(values)


__all__ = ["LONELY_PSU", "SELF_REPRESENTING", "Design", "DesignError"]
