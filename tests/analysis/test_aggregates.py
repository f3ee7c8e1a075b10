"""Estimates from per-PSU and per-domain sums equal those from the rows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import api_design, as_float

from analysis import estimators
from analysis.aggregates import mean_from_sums, proportion_from_sums

FIELDS = ("estimate", "se", "ci_low", "ci_high", "df", "n", "deff", "n_eff")


def _cells(data, value):
    """Return the sums per (district, school type) cell, as SQL would give them."""
    frame = data.assign(wy=data.pw * value, w=data.pw, wyy=data.pw * value**2, one=1)
    return frame.groupby(["dnum", "stype"], as_index=False)[["wy", "w", "wyy", "one"]].sum()


def _same(a, b):
    for field in FIELDS:
        assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-10, abs=1e-14), field


@pytest.mark.parametrize("stype", ["E", "H", "M", None])
def test_mean_from_sums_equals_rows(stype):
    design, data = api_design("dclus1")
    cells = _cells(data, as_float(data.api00))
    domain = None if stype is None else (cells.stype == stype).to_numpy()
    from_sums = mean_from_sums(
        cells.wy,
        cells.w,
        cells.one,
        clusters=[cells.dnum.to_numpy()],
        fpc=[np.full(len(cells), 757)],
        weighted_squares=cells.wyy,
        domain=domain,
    )
    rows = estimators.mean(
        design,
        as_float(data.api00),
        domain=None if stype is None else (data.stype == stype).to_numpy(),
    )
    _same(from_sums, rows)
    assert from_sums.flags == rows.flags


@pytest.mark.parametrize("method", ["beta", "logit", "xlogit", "asin", "wilson", "mean"])
def test_proportion_from_sums_equals_rows(method):
    design, data = api_design("dclus1")
    event = (data.api00 > 700).to_numpy(dtype=float)
    cells = _cells(data, event)
    domain = (cells.stype == "E").to_numpy()
    from_sums = proportion_from_sums(
        cells.wy,
        cells.w,
        cells.one,
        clusters=[cells.dnum.to_numpy()],
        fpc=[np.full(len(cells), 757)],
        domain=domain,
        ci=method,
    )
    rows = estimators.proportion(design, event, domain=(data.stype == "E").to_numpy(), ci=method)
    rel = 1e-6 if method == "logit" else 1e-10
    for field in FIELDS:
        assert getattr(from_sums, field) == pytest.approx(getattr(rows, field), rel=rel), field


def test_sums_reject_likelihood_and_handle_empty_domains():
    _, data = api_design("dclus1")
    cells = _cells(data, as_float(data.api00))
    with pytest.raises(ValueError, match="needs the rows"):
        proportion_from_sums(
            cells.wy, cells.w, cells.one, clusters=[cells.dnum.to_numpy()], ci="likelihood"
        )
    empty = mean_from_sums(
        cells.wy,
        cells.w,
        cells.one,
        clusters=[cells.dnum.to_numpy()],
        domain=np.zeros(len(cells), bool),
    )
    assert math.isnan(empty.estimate) and empty.flags == ("empty_domain",) and empty.n == 0
