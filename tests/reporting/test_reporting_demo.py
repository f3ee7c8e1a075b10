"""The analyst pages on the demo data (``hailong demo``), checked against independent references.

Kiosk ratings against the closed-form Wilson interval; the PAPI household index against the analysis
engine (papi_spec, estimate_index) on the survey design the test reads from the stored weights,
strata and PSUs of the demo's PPS sample. Nothing here calls survey.services.reporting.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from reporting_pages import cells, csrf_token
from reporting_reference import kiosk_shares, read_raw, select_responses, survey_design, wilson
from sqlalchemy import select

from analysis.indices import PapiIndicator, estimate_index, papi_spec
from survey.cli import cli
from survey.db import migrate
from survey.db.responses import Response
from survey.demo.accounts import ACCOUNTS
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.web.app import create_app
from survey.web.database import session_scope

SCALE = "0.08"  # about 4,000 kiosk ratings and a PAPI interview or two per sampled village
ALL = ("kiosk", "qr_transaction", "qr_poster", "interview", "web")
RATINGS = ("kiosk", "qr_transaction", "qr_poster")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Return (application, raw rows) of a demo database built by ``hailong demo --no-serve``."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'hailong.db'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    migrate.upgrade(app.extensions["hailong.db"][0])
    result = app.test_cli_runner().invoke(cli, ["demo", "--no-serve", "--scale", SCALE])
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        raw = read_raw(session)
        # Interviews a supervisor sent back and the enumerator revised: reports count the revision only.
        revised = select(Response.supersedes_uuid).where(Response.supersedes_uuid.is_not(None))
        superseded = frozenset(session.scalars(select(Response.id).where(Response.uuid.in_(revised))))
    assert superseded, "the demo sends interviews back"
    app.config["TEST_SUPERSEDED"] = superseded
    yield app, raw
    app.extensions["hailong.db"][0].dispose()


@pytest.fixture(scope="module")
def analyst(demo):
    """Return a test client logged in as the demo's analyst (province MH)."""
    app, _ = demo
    client = app.test_client()
    account = next(a for a in ACCOUNTS if a.role == "analyst")
    response = client.post("/auth/login", data={"username": account.username, "password": account.password,
                                                "csrf_token": csrf_token(client)})
    assert response.status_code in (302, 303)
    return client


def _quarter_before(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """Return the code, first day and end (exclusive) of the quarter before the one holding ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    end = dt.date(day.year, first_month, 1)
    start = dt.date(end.year - (end.month == 1), (end.month - 4) % 12 + 1, 1)
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}", start, end


def test_demo_kiosk_table_matches_wilson(demo, analyst):
    app, raw = demo
    last = max(r["day"] for r in raw.responses if r["questionnaire"] == "kiosk")
    code, start, end = _quarter_before(last)
    page = analyst.get(f"/analyst/?period={code}&unit=MH&index=kiosk").get_data(as_text=True)
    expected = kiosk_shares(raw, select_responses(raw, "kiosk", start, end, raw.codes["MH"], ALL))
    assert expected["total"][1] > 1000
    shown = cells(page, "kiosk")
    for key, (x, n) in expected.items():
        row = shown[str(key)]
        assert row["n"] == n
        if row["value"] is None:  # suppressed: too few ratings
            assert n < 30
            continue
        p, low, high = wilson(x, n)
        assert (row["value"], row["low"], row["high"]) == pytest.approx((100 * p, 100 * low, 100 * high), abs=1e-5)
    assert "Dữ liệu phi xác suất" in page


def test_demo_papi_table_matches_the_engine_on_the_survey_design(demo, analyst):
    app, raw = demo
    days = sorted(r["day"] for r in raw.responses if r["questionnaire"] == "papi")
    period = f"{days[0].isoformat()}..{days[-1].isoformat()}"
    page = analyst.get(f"/analyst/?period={period}&unit=MH&index=papi").get_data(as_text=True)
    chosen = [(response, child) for response, child in
              select_responses(raw, "papi", days[0], days[-1] + dt.timedelta(days=1), raw.codes["MH"], ALL)
              if response["id"] not in app.config["TEST_SUPERSEDED"]]
    responses = [response for response, _ in chosen]
    assert len(responses) >= 20 and all(r["id"] in raw.weights for r in responses)

    papi = load_file(next(p for p in bundled_questionnaire_files() if p.parent.name == "papi"))

    def scores(item: str) -> np.ndarray:
        values = []
        for response in responses:
            answer = raw.answers.get(response["id"], {}).get(item)
            values.append(np.nan if answer is None or answer["score"] is None else answer["score"])
        return np.array(values, dtype=float)

    dimensions = {dimension.code: {sub.code: {item: PapiIndicator(scores(item), 1.0, 10.0) for item in sub.items}
                                   for sub in dimension.children}
                  for dimension in papi.dimensions.children}
    spec = papi_spec(dimensions, name="papi")
    design = survey_design(raw, responses)
    assert design.has_strata and len(set(design.weights.tolist())) > 1  # the PPS sample, not equal weights
    reference = {"total": estimate_index(design, spec)}
    children = np.array([child for _, child in chosen])
    for child in sorted(set(children.tolist())):
        reference[child] = estimate_index(design, spec, domain=children == child)

    checked = 0
    for node in ("papi", *dimensions):
        shown = cells(page, node)
        for key, result in reference.items():
            row = shown[str(key)]
            estimate = result.nodes[node]
            if row["value"] is None:  # suppressed by the reliability rule
                continue
            assert row["value"] == pytest.approx(estimate.estimate, abs=1e-5)
            assert (row["low"], row["high"]) == pytest.approx((estimate.ci_low, estimate.ci_high), abs=1e-5)
            checked += 1
    assert checked >= len(dimensions) + 1  # at least the province's total and dimensions
    assert "trọng số cuối cùng" in page
