"""Probability sampling: systematic PPS with certainty units, and respondents drawn from a listing.

Pure functions over arrays (numpy only). Random numbers come from a caller's
``numpy.random.Generator``; nothing touches numpy's global seed.

References
----------
Madow, W. G. (1949). On the theory of systematic sampling, II. Annals of Mathematical Statistics 20,
333-354.  Särndal, C.-E., Swensson, B. and Wretman, J. (1992). Model Assisted Survey Sampling.
Springer, sections 3.6 (systematic sampling) and 3.6.2 (pi-ps designs).  Kish, L. (1965). Survey
Sampling. Wiley, sections 7.5 (PPS) and 11.7 (certainty selections).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHODS = ("simple", "systematic")


class SamplingError(ValueError):
    """A selection that cannot be made as asked; ``code`` is stable, messages are in vi and en."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class PpsSelection:
    """The result of one systematic PPS draw among ``len(probabilities)`` units.

    ``selected`` are unit positions in frame order; ``probabilities`` the first-order inclusion
    probability of every unit; ``certain`` which units were taken with certainty (flagged or too
    large for the interval); ``interval`` and ``start`` the sampling interval and random start
    (in size units) of the systematic pass over the other units.
    """

    selected: tuple[int, ...]
    probabilities: np.ndarray
    certain: np.ndarray
    interval: float
    start: float


def inclusion_probabilities(sizes, n: int, certain=None) -> tuple[np.ndarray, np.ndarray]:
    """Return the inclusion probabilities of a PPS sample of ``n`` units and the certainty mask.

    Parameters
    ----------
    sizes : (N,) array of the size measure (population or households), finite and >= 0
    n : int
        Units to select, certainty units included.
    certain : (N,) bool array, optional
        Units that must be selected (e.g. the provincial capital district).

    Returns
    -------
    probabilities : (N,) array
        ``pi_i = 1`` for certainty units and ``pi_i = m x_i / X`` for the others, where ``m`` is
        ``n`` minus the certainty units and ``X`` the total size of the others.
    certain : (N,) bool array
        The flagged units plus every unit with ``m x_i / X >= 1``, found by iterating: taking a
        large unit with certainty lowers ``X`` and ``m`` and may push another over the interval
        ``X / m`` (Kish 1965, section 11.7).  ``sum(pi) = n`` exactly.
    """
    x = np.asarray(sizes, dtype=float)
    count = x.size
    flagged = np.zeros(count, bool) if certain is None else np.asarray(certain, bool).copy()
    _check_draw(x, n, flagged)
    taken = flagged
    while True:
        remaining = n - int(taken.sum())
        if remaining == 0:
            break
        total = float(x[~taken].sum())
        large = ~taken & (x * remaining >= total)
        if not large.any():
            break
        taken = taken | large
    remaining = n - int(taken.sum())
    probabilities = np.ones(count)
    if remaining:
        probabilities[~taken] = remaining * x[~taken] / float(x[~taken].sum())
    else:
        probabilities[~taken] = 0.0
    return probabilities, taken


def _check_draw(x: np.ndarray, n: int, flagged: np.ndarray) -> None:
    """Refuse a draw that cannot be made: bad n, bad sizes, more certainty units than n."""
    if x.ndim != 1 or flagged.shape != x.shape:
        raise SamplingError("shape", "kích thước và cờ chắc chắn phải là mảng một chiều cùng độ dài",
                            "sizes and certainty flags must be one-dimensional arrays of one length")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise SamplingError("sample_size", f"số đơn vị cần chọn phải là số nguyên dương, nhận {n!r}",
                            f"the number of units to select must be a positive integer, got {n!r}")
    if n > x.size:
        raise SamplingError("too_many", f"cần chọn {n} đơn vị nhưng chỉ có {x.size}",
                            f"{n} units to select but only {x.size} in the frame")
    if not np.isfinite(x).all() or (x < 0).any():
        raise SamplingError("size_invalid", "quy mô phải là số hữu hạn, không âm",
                            "sizes must be finite and not negative")
    if int(flagged.sum()) > n:
        raise SamplingError(
            "certainty_exceeds_n",
            f"có {int(flagged.sum())} đơn vị chắc chắn được chọn nhưng chỉ chọn {n}",
            f"{int(flagged.sum())} certainty units but only {n} to select")
    zero = (x <= 0) & ~flagged
    if zero.any():
        where = int(np.flatnonzero(zero)[0])
        raise SamplingError(
            "size_zero", f"đơn vị thứ {where + 1} có quy mô 0: không thể được chọn theo PPS",
            f"unit {where + 1} has size 0: it could never be selected with PPS")


def systematic_pps(sizes, n: int, *, rng: np.random.Generator | None = None,
                   start: float | None = None, certain=None) -> PpsSelection:
    """Select ``n`` units by systematic PPS from a random start, after taking certainty units.

    Parameters
    ----------
    sizes : (N,) size measures in frame order (the order gives implicit stratification)
    n : int
        Units to select, certainty units included.
    rng : numpy.random.Generator
        Source of the random start (required unless ``start`` is given).
    start : float in [0, 1), optional
        The random start as a fraction of the interval, for exact enumeration in tests.
    certain : (N,) bool, optional
        Units flagged for selection with certainty.

    Notes
    -----
    With ``m`` units still to draw and ``X`` the total size of the non-certainty units in frame
    order with cumulative sizes ``C_0 = 0 < C_1 < ... < C_N = X``, the interval is ``k = X / m``
    and the selection points ``(u + j) k``, ``j = 0..m-1``, with ``u`` uniform on [0, 1). Unit
    ``i`` is selected when a point falls in ``[C_{i-1}, C_i)``; as no size exceeds ``k`` after the
    certainty step, each unit is hit at most once and ``P(i selected) = m x_i / X`` (Madow 1949).
    """
    x = np.asarray(sizes, dtype=float)
    probabilities, taken = inclusion_probabilities(x, n, certain)
    remaining = n - int(taken.sum())
    if start is None:
        if rng is None:
            raise SamplingError("no_random_source", "cần một bộ sinh số ngẫu nhiên có hạt giống",
                                "a seeded random generator is needed")
        start = float(rng.random())
    if not 0.0 <= start < 1.0:
        raise SamplingError("start", "điểm bắt đầu phải trong [0, 1)", "the start must be in [0, 1)")
    chosen = set(np.flatnonzero(taken).tolist())
    interval = 0.0
    if remaining:
        others = np.flatnonzero(~taken)
        cumulative = np.cumsum(x[others])
        interval = float(cumulative[-1]) / remaining
        points = (start + np.arange(remaining)) * interval
        hits = np.minimum(np.searchsorted(cumulative, points, side="right"), others.size - 1)
        chosen.update(others[hits].tolist())
    return PpsSelection(tuple(sorted(chosen)), probabilities, taken, interval, start * interval)


@dataclass(frozen=True)
class RespondentDraw:
    """People drawn from a listing of ``listing_size``: ``order`` are listing positions (0-based)
    in the order enumerators use them; the first ``quota`` are the main sample, the rest
    replacements in order. ``probability`` is every listed person's chance of being drawn."""

    order: tuple[int, ...]
    quota: int
    listing_size: int
    probability: float


def draw_respondents(listing_size: int, drawn: int, quota: int, method: str,
                     rng: np.random.Generator) -> RespondentDraw:
    """Draw ``drawn`` people (main sample then ordered replacements) from a listing.

    Parameters
    ----------
    listing_size : int
        Eligible people (or households) listed in the village, ``M``.
    drawn, quota : int
        People drawn and interviews wanted (PAPI: 20 and 16; large provinces 30 and 24).
    method : {"simple", "systematic"}
        Simple random sampling without replacement, or systematic sampling in listing order from
        a random start (interval ``M / drawn``); either way the drawn people are put in random
        order, so every one of them is equally likely to be a main respondent.

    Notes
    -----
    Each listed person is drawn with probability ``min(drawn, M) / M``; when ``M <= drawn``
    everyone is taken. The first ``min(quota, M)`` of the order are the main sample.
    """
    if method not in METHODS:
        raise SamplingError("method", f"phương pháp chọn người trả lời không hợp lệ: {method!r}",
                            f"unknown respondent selection method: {method!r}")
    if listing_size < 1:
        raise SamplingError("empty_listing", "danh sách hộ/người của thôn đang trống",
                            "the village listing is empty")
    if drawn < 1 or quota < 1 or quota > drawn:
        raise SamplingError("quota", f"cần 1 <= chỉ tiêu ({quota}) <= số rút ({drawn})",
                            f"need 1 <= quota ({quota}) <= number drawn ({drawn})")
    take = min(drawn, listing_size)
    if method == "simple":
        order = rng.choice(listing_size, size=take, replace=False)
    else:
        picked = systematic_pps(np.ones(listing_size), take, rng=rng).selected
        order = rng.permutation(np.array(picked))
    return RespondentDraw(tuple(int(i) for i in order), min(quota, take), listing_size,
                          take / listing_size)
