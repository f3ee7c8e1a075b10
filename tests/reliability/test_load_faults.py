"""Load and faults, CI size: kiosks keep sending through a SIGKILL of gunicorn and a PostgreSQL crash.

The full run (200 kiosks, 100,000 ratings) is ``bench/load_faults.py``; this is its short variant:
20 kiosks, 3,000 ratings, one SIGKILL of gunicorn's master and workers, one ``pg_ctl -m immediate``
restart, with the kiosks' deliberate timeouts, dropped connections and duplicate sends.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.append(str(BENCH))  # last: bench/analysis.py must not shadow the analysis package

from load_faults import PROBLEMS, run
from load_faults_faults import Schedule

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not (PG_BIN / "pg_ctl").exists() or shutil.which("runuser") is None,
                       reason="needs the PostgreSQL 15 server binaries (scripts/test.sh installs them)"),
]


@pytest.fixture(scope="module")
def result() -> dict:
    """Run 20 kiosks and 3,000 ratings through one app kill and one database crash."""
    outcome = run(kiosks=20, ratings=3000, rate=100.0, schedule=Schedule.parse("app@0.3,pg-immediate@0.65"),
                  workers=3, seed=7, max_seconds=300)
    ARTIFACTS.mkdir(exist_ok=True)  # the run's figures, for docs/reliability.md
    (ARTIFACTS / "load-faults.json").write_text(json.dumps(outcome, indent=1, default=str), encoding="utf-8")
    return outcome


def test_every_rating_gets_a_final_answer(result):
    assert result["final"] == result["ratings"] == 3000


def test_the_stored_set_is_the_sent_set(result):
    assert (result["sent"], result["stored"]) == (3000, 3000)
    assert result["counts"] == dict.fromkeys(PROBLEMS, 0), result.get("examples")


def test_duplicate_sends_get_the_first_receipt(result):
    assert result["resends"]["sent"] > 0
    assert result["resends"]["wrong_replies"] == 0


def test_the_faults_happened_and_clients_saw_them(result):
    assert [fault["kind"] for fault in result["faults"]] == ["app", "pg-immediate"]
    assert all(fault["downtime_s"] is not None for fault in result["faults"])
    errors = result["client_errors"]
    assert errors.get("timeout (on purpose)", 0) + errors.get("dropped by the client (on purpose)", 0) > 0
    assert sum(n for kind, n in errors.items() if "on purpose" not in kind) > 0
    assert result["retried_ratings"] > 0


def test_no_error_outside_the_fault_windows(result):
    assert result["errors_outside_faults"] == {}
