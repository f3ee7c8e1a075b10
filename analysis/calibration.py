"""Calibration of design weights: post-stratification, linear (GREG) calibration, raking, trimming.

Each function returns a new :class:`~analysis.design.Design` whose weights meet the population
information and whose ``covariance`` uses calibration residuals, as R ``survey`` does.  Given a
:class:`~analysis.replicates.ReplicateDesign`, the full-sample weights and every replicate are
calibrated to the same population information (R's methods for ``svyrep.design``), so the replicate
variance reflects the calibration.

References
----------
Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling. JASA 87,
376-382.  Särndal, C.-E., Swensson, B. and Wretman, J. (1992). Model Assisted Survey Sampling.
Springer, chapters 6 and 7.  Lumley, T. (2010). Complex Surveys, chapter 7.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg

from analysis.design import Design, DesignError, label_codes
from analysis.linearization import PostStratumStep, RakingStep, RegressionStep
from analysis.replicates import ReplicateDesign

_CONSISTENT = 1e-6
_BOUNDED_TOLERANCE = 1e-10
_BOUNDED_MAX_ITER = 50


class CalibrationError(ValueError):
    """Population information that cannot be met: inconsistent margins, empty cells, no convergence."""


def _apply(design, reweight, step=None):
    """Return ``design`` with weights ``reweight(w)``; replicate designs reweight every replicate.

    ``step(new_weights)`` gives the calibration residual step of a :class:`Design`; ``reweight``
    is kept in its recipe so replicates made later repeat the calibration.
    """
    if isinstance(design, ReplicateDesign):
        return design.reweighted(reweight)
    if not isinstance(design, Design):
        raise CalibrationError(
            "hiệu chỉnh cần một Design hoặc ReplicateDesign / "
            "calibration needs a Design or a ReplicateDesign"
        )
    weights = reweight(design.weights)
    return design.derive(weights, step(weights) if step is not None else None, reweight)


def _cells(design: Design, labels, population: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (row cell codes, population total per code) after checking the margin."""
    try:
        codes, uniques = label_codes(labels, design.n, name)
    except DesignError as error:
        raise CalibrationError(str(error)) from None
    keys = {_plain(key): key for key in population}
    totals = np.empty(uniques.size)
    for index, label in enumerate(uniques):
        key = _plain(label)
        if key not in keys:
            raise CalibrationError(
                f"{name}: nhóm {key!r} có trong mẫu nhưng không có trong biên tổng thể / "
                f"{name}: category {key!r} is in the sample but not in the population margins"
            )
        totals[index] = float(population[keys[key]])
    if (totals < 0).any() or not np.isfinite(totals).all():
        raise CalibrationError(
            f"{name}: tổng tổng thể phải hữu hạn và không âm / "
            f"{name}: population totals must be finite and not negative"
        )
    present = {_plain(label) for label in uniques}
    for key, value in population.items():
        if _plain(key) not in present and float(value) > 0:
            raise CalibrationError(
                f"{name}: nhóm {_plain(key)!r} có tổng thể {float(value):g} nhưng không có dòng "
                f"mẫu nào (ô trống) / {name}: category {_plain(key)!r} has population "
                f"{float(value):g} but no sample rows (empty cell)"
            )
    sample = np.bincount(codes, weights=design.weights, minlength=uniques.size)
    empty = (sample <= 0) & (totals > 0)
    if empty.any():
        raise CalibrationError(
            f"{name}: nhóm {_plain(uniques[np.flatnonzero(empty)[0]])!r} có tổng trọng số bằng 0 / "
            f"{name}: category {_plain(uniques[np.flatnonzero(empty)[0]])!r} has zero weight"
        )
    return codes, totals


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def poststratify(design, labels, population: dict):
    """Post-stratify ``design`` so the weights of each cell of ``labels`` sum to its population.

    Notes
    -----
    ``w*_i = w_i N_c / N^_c`` for the cell ``c`` of row ``i``.  The variance replaces the
    weighted scores ``x_i = w*_i z_i`` by ``x_i - w*_i m_c`` with
    ``m_c = sum_c w_i z_i / sum_c w_i`` (R ``postStratify``; Lumley 2010, section 7.2).
    """
    codes, totals = _cells(design, labels, population, "post-strata")

    def reweight(w: np.ndarray) -> np.ndarray:
        sample = np.bincount(codes, weights=w, minlength=totals.size)
        return w * np.divide(totals, sample, out=np.zeros_like(totals), where=sample > 0)[codes]

    old_weights = design.weights.copy()
    return _apply(design, reweight, lambda new: PostStratumStep(codes, new, old_weights))


def _model(design: Design, categorical: dict, numeric: dict, population_size):
    """Return the calibration model matrix and its population totals."""
    columns, totals = [], []
    size = None if population_size is None else float(population_size)
    for position, (name, (labels, margin)) in enumerate(categorical.items()):
        codes, cell_totals = _cells(design, labels, margin, name)
        margin_size = float(sum(float(v) for v in margin.values()))
        size = margin_size if size is None else size
        if not math.isclose(margin_size, size, rel_tol=_CONSISTENT):
            raise CalibrationError(
                f"biên không nhất quán: {name} có tổng {margin_size:g}, quy mô tổng thể là "
                f"{size:g} / inconsistent margins: {name} sums to {margin_size:g}, the "
                f"population size is {size:g}"
            )
        dummies = np.eye(cell_totals.size)[codes]
        first = 0 if position == 0 else 1
        columns.extend(dummies[:, first:].T)
        totals.extend(cell_totals[first:])
    if not categorical:
        columns.append(np.ones(design.n))
        totals.append(float(design.weights.sum()) if size is None else size)
    for name, (values, population_total) in numeric.items():
        values = np.asarray(values, dtype=float)
        if values.shape != (design.n,) or not np.isfinite(values).all():
            raise CalibrationError(
                f"{name}: cần một giá trị hữu hạn cho mỗi dòng / "
                f"{name}: needs one finite value per row"
            )
        columns.append(values)
        totals.append(float(population_total))
    return np.column_stack(columns), np.array(totals)


def calibrate(
    design,
    *,
    categorical: dict | None = None,
    numeric: dict | None = None,
    population_size: float | None = None,
    bounds: tuple[float, float] | None = None,
) -> Design | ReplicateDesign:
    """Calibrate ``design`` linearly (GREG) to population totals.

    Parameters
    ----------
    categorical : dict name -> (labels (n,), {label: population count})
    numeric : dict name -> (values (n,), population total)
    population_size : float, optional
        Population size; by default the sum of the categorical margins, or the sum of the weights.
    bounds : (low, high), optional
        Bounds on the calibration factors ``g``; solved by Newton iterations on the truncated
        linear distance (R ``calibrate(..., bounds=)``).

    Notes
    -----
    With model matrix ``X`` (an intercept or the categories, plus numeric columns) and totals
    ``T``: ``g_i = 1 + x_i^T lambda``, ``(sum_i w_i x_i x_i^T) lambda = T - sum_i w_i x_i``
    (Deville and Särndal 1992).  The variance uses ``x_i = g_i w_i e_i`` where ``e`` are the
    residuals of the ``w``-weighted regression of the scores on ``X`` (R ``calibrate``;
    Särndal et al. 1992, section 6.6).
    """
    X, totals = _model(design, categorical or {}, numeric or {}, population_size)

    def reweight(w: np.ndarray) -> np.ndarray:
        return w * (
            _linear_g(X, w, totals) if bounds is None else _bounded_g(X, w, totals, *bounds)
        )

    def step(new: np.ndarray) -> RegressionStep:
        root = np.sqrt(design.weights)
        scale = np.divide(new, root, out=np.zeros_like(new), where=root > 0)
        return RegressionStep(_basis(X * root[:, None]), scale)

    return _apply(design, reweight, step)


def _linear_g(X: np.ndarray, w: np.ndarray, totals: np.ndarray) -> np.ndarray:
    try:
        step = np.linalg.solve(X.T @ (X * w[:, None]), totals - X.T @ w)
    except np.linalg.LinAlgError:
        raise CalibrationError(
            "các biến hiệu chỉnh cộng tuyến hoặc một nhóm không có trọng số / "
            "calibration variables are collinear or a category has no weight"
        ) from None
    return 1 + X @ step


def _bounded_g(X, w, totals, low: float, high: float) -> np.ndarray:
    if not low <= 1 <= high:
        raise CalibrationError(
            f"giới hạn hiệu chỉnh ({low}, {high}) phải chứa 1 / "
            f"calibration bounds ({low}, {high}) must contain 1"
        )
    eta = np.zeros(X.shape[1])
    for _ in range(_BOUNDED_MAX_ITER):
        u = X @ eta
        g = np.clip(1 + u, low, high)
        misfit = totals - X.T @ (w * g)
        if np.all(np.abs(misfit) / (1 + np.abs(totals)) < _BOUNDED_TOLERANCE):
            return g
        active = ((u > low - 1) & (u < high - 1)).astype(float)
        eta = (
            eta
            + np.linalg.pinv(X.T @ (X * (w * active)[:, None]), rcond=256 * np.finfo(float).eps)
            @ misfit
        )
    raise CalibrationError(
        f"hiệu chỉnh trong giới hạn ({low}, {high}) không hội tụ sau {_BOUNDED_MAX_ITER} vòng "
        "lặp; hãy nới rộng giới hạn / "
        f"calibration within bounds ({low}, {high}) did not converge in {_BOUNDED_MAX_ITER} "
        "iterations; widen the bounds"
    )


def _basis(matrix: np.ndarray) -> np.ndarray:
    """Return an orthonormal basis of the column space (QR with column pivoting)."""
    q, r, _ = linalg.qr(matrix, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > 1e-7 * diagonal[0])) if diagonal.size else 0
    return q[:, :rank]


def rake(design, margins: dict, *, tol: float = 1e-8, max_iter: int = 100):
    """Rake ``design`` to population margins by iterative proportional fitting.

    Parameters
    ----------
    margins : dict name -> (labels (n,), {label: population count})
    tol : float
        Convergence when every cell total is within ``tol`` (relative) of its margin.
    max_iter : int
        Maximum number of passes over the margins.

    Notes
    -----
    Each pass post-stratifies on every margin in turn (Deming and Stephan 1940).  The variance
    back-fits the weighted scores on the margins as R ``rake`` does (ten passes of centring
    within the cells of each margin; Lumley 2010, section 7.3).
    """
    if not margins:
        raise CalibrationError("rake() cần ít nhất một biên / rake() needs at least one margin")
    cells = {
        name: _cells(design, labels, margin, name) for name, (labels, margin) in margins.items()
    }
    sizes = {name: float(totals.sum()) for name, (_, totals) in cells.items()}
    first = next(iter(sizes.values()))
    for name, size in sizes.items():
        if not math.isclose(size, first, rel_tol=_CONSISTENT):
            raise CalibrationError(
                f"biên không nhất quán: {name} có tổng {size:g}, một biên khác có tổng {first:g} / "
                f"inconsistent margins: {name} sums to {size:g}, another margin to {first:g}"
            )
    cells = list(cells.values())

    def reweight(w: np.ndarray) -> np.ndarray:
        return _ipf(w, cells, tol, max_iter)[0]

    if isinstance(design, ReplicateDesign):
        return _apply(design, reweight)
    weights, adjusted = _ipf(design.weights.copy(), cells, tol, max_iter)
    return design.derive(weights, RakingStep(adjusted), reweight)


def _ipf(w: np.ndarray, cells: list, tol: float, max_iter: int):
    """Return raked weights and, per margin, (cells, weights after its last adjustment)."""
    worst = math.inf
    for _ in range(max_iter):
        adjusted = []
        for codes, totals in cells:
            sample = np.bincount(codes, weights=w, minlength=totals.size)
            w = w * np.divide(totals, sample, out=np.zeros_like(totals), where=sample > 0)[codes]
            adjusted.append((codes, w.copy()))
        worst = max(
            float(
                np.max(np.abs(np.bincount(c, weights=w, minlength=t.size) - t) / np.maximum(t, 1))
            )
            for c, t in cells
        )
        if worst < tol:
            return w, tuple(adjusted)
    raise CalibrationError(
        f"raking không hội tụ sau {max_iter} lượt (sai lệch tương đối lớn nhất {worst:.3g}) / "
        f"raking did not converge in {max_iter} passes (largest relative misfit {worst:.3g})"
    )


def trim(design, low: float, high: float, *, max_iter: int = 50):
    """Trim the weights to ``[low, high]`` and spread the excess equally over the others.

    Notes
    -----
    As R ``trimWeights(..., strict = TRUE)``: weights outside the bounds are set to the bound and
    the total trimmed is added equally to the weights inside, repeated until none is outside, so
    the weight total is kept.  Rows with weight zero (e.g. outside a jackknife replicate) are left
    alone.  Calibration residuals of earlier steps stay in the variance.
    """
    if not low < high:
        raise CalibrationError(
            f"giới hạn cắt trọng số phải thỏa low < high, nhận {low} và {high} / "
            f"trim bounds must satisfy low < high, got {low} and {high}"
        )
    return _apply(design, lambda w: _trimmed(w, low, high, max_iter))


def _trimmed(w: np.ndarray, low: float, high: float, max_iter: int) -> np.ndarray:
    w = w.copy()
    sampled = w > 0
    for _ in range(max_iter):
        outside = sampled & ((w < low) | (w > high))
        if not outside.any():
            return w
        inside = sampled & ~outside
        if not inside.any():
            raise CalibrationError(
                f"mọi trọng số đều nằm ngoài [{low:g}, {high:g}]; không thể đáp ứng giới hạn / "
                f"every weight is outside [{low:g}, {high:g}]; the bounds cannot be met"
            )
        clipped = np.where(outside, np.clip(w, low, high), w)
        clipped[inside] += (w - clipped).sum() / np.count_nonzero(inside)
        w = clipped
    raise CalibrationError(
        f"cắt trọng số về [{low:g}, {high:g}] không ổn định sau {max_iter} vòng / "
        f"trimming to [{low:g}, {high:g}] did not settle in {max_iter} rounds"
    )
