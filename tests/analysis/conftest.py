"""Fixtures for the analysis engine: the R ``survey`` api samples and reference values."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.design import Design

REFERENCE = Path(__file__).parent.parent / "data" / "reference"


def load_api(name: str) -> pd.DataFrame:
    """Return one of the api samples shipped with R ``survey`` (CSV copy)."""
    return pd.read_csv(REFERENCE / f"{name}.csv")


def r_values() -> dict:
    """Return the anchors of r-survey-api.json (R survey 4.1-1)."""
    return json.loads((REFERENCE / "r-survey-api.json").read_text())


def api_design(name: str, lonely_psu: str = "fail") -> tuple[Design, pd.DataFrame]:
    """Return a design named as in r-survey-api.json ``_meta.designs`` and its data."""
    if name == "dsrs":
        data = load_api("apisrs")
        return Design(fpc=[data.fpc.to_numpy()]), data
    if name in ("dstrat", "dstrat_nofpc"):
        data = load_api("apistrat")
        fpc = [data.fpc.to_numpy()] if name == "dstrat" else []
        return Design(weights=data.pw.to_numpy(), strata=data.stype.to_numpy(), fpc=fpc), data
    if name in ("dclus1", "dclus1_nofpc"):
        data = load_api("apiclus1")
        fpc = [data.fpc.to_numpy()] if name == "dclus1" else []
        return Design(weights=data.pw.to_numpy(), clusters=[data.dnum.to_numpy()], fpc=fpc), data
    if name == "dclus2":
        data = load_api("apiclus2")
        return Design(
            clusters=[data.dnum.to_numpy(), data.snum.to_numpy()],
            fpc=[data.fpc1.to_numpy(), data.fpc2.to_numpy()],
        ), data
    if name == "lonely":
        data = load_api("lonely_apistrat")
        return Design(
            weights=data.pw.to_numpy(), strata=data.stype.to_numpy(), lonely_psu=lonely_psu
        ), data
    raise KeyError(name)


@pytest.fixture(scope="session")
def reference() -> dict:
    """Return the R reference anchors."""
    return r_values()["anchors"]


def as_float(values) -> np.ndarray:
    """Return a column as floats (nan for missing)."""
    return np.asarray(values, dtype=float)
