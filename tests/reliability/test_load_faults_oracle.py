"""The load-and-fault comparison itself: it passes a faithful store and catches every kind of damage."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))  # last: see test_load_faults.py

from load_faults_check import compare
from load_faults_kiosk import Outcome
from load_faults_world import plan

PII = {"phone"}


def _store(plans) -> tuple[dict, Outcome]:
    """Return the rows a correct server stores for the plan, and the receipts it answers."""
    rows: dict[str, list] = {"responses": [], "answers": [], "pii": [], "flags": []}
    outcome = Outcome()
    seen: set[str] = set()
    for device in plans:
        for rating in device.ratings:
            rid = len(rows["responses"]) + 1
            second = rating.pair in seen
            seen.add(rating.uuid)
            flags = {"normal": [], "outside": ["outside_opening_hours"], "rapid": ["burst"] if second else [],
                     "same_ref": ["duplicate_transaction"] if second else []}[rating.kind]
            counted = not (rating.kind == "same_ref" and second)
            answers = rating.payload["answers"]
            raw = {**rating.payload, "answers": {k: v for k, v in answers.items() if k not in PII}}
            rows["responses"].append((rid, rating.uuid, json.dumps(raw), "flagged" if flags else "accepted",
                                      counted))
            for item, value in answers.items():
                if item in PII:
                    rows["pii"].append((rid, item, value))
                    continue
                for seq, one in enumerate(value if isinstance(value, list) else [value]):
                    number = one if isinstance(one, int) else None
                    rows["answers"].append((rid, item, seq, number, None, None if number else one, None))
            rows["flags"] += [(rid, flag) for flag in flags]
            outcome.receipts[rating.uuid] = {"flags": flags, "counted": counted, "http_status": 201}
    return rows, outcome


@pytest.fixture
def world():
    """Plan 600 ratings on three kiosks (every kind of outcome) and store them faithfully."""
    plans = plan([("t1", "U1"), ("t2", "U2"), ("t3", "U3")], 600, seed=3, special_share=0.05)
    kinds = {rating.kind for device in plans for rating in device.ratings}
    assert kinds == {"normal", "outside", "rapid", "same_ref"}
    rows, outcome = _store(plans)
    return plans, rows, outcome


def _problems(plans, rows, outcome) -> dict[str, int]:
    """Return the non-zero problem counts of a comparison."""
    report = compare(plans, outcome, rows)
    return {key: len(report[key]) for key in ("lost", "unexpected", "duplicated", "altered", "partial",
                                              "flag_mismatch", "receipt_mismatch") if report[key]}


def test_a_faithful_store_passes(world):
    assert _problems(*world) == {}


def test_a_lost_rating_is_caught(world):
    plans, rows, outcome = world
    lost = rows["responses"].pop(10)
    rows["answers"] = [row for row in rows["answers"] if row[0] != lost[0]]
    assert _problems(plans, rows, outcome) == {"lost": 1}


def test_a_doubled_rating_is_caught(world):
    plans, rows, outcome = world
    rows["responses"].append((99_999, *rows["responses"][3][1:]))
    assert "duplicated" in _problems(plans, rows, outcome)


def test_an_altered_answer_is_caught(world):
    plans, rows, outcome = world
    rid, item, seq, number, *rest = next(row for row in rows["answers"] if row[1] == "overall_rating")
    rows["answers"][rows["answers"].index((rid, item, seq, number, *rest))] = (rid, item, seq, 6 - number
                                                                               if number != 3 else 4, *rest)
    assert _problems(plans, rows, outcome) == {"altered": 1}


def test_a_response_without_its_answers_is_caught(world):
    plans, rows, outcome = world
    rows["answers"] = [row for row in rows["answers"] if row[0] != 5]
    assert _problems(plans, rows, outcome) == {"partial": 1}


def test_a_missing_flag_is_caught(world):
    plans, rows, outcome = world
    rows["flags"].pop(0)
    assert _problems(plans, rows, outcome) == {"flag_mismatch": 1, "receipt_mismatch": 1}


def test_a_receipt_that_disagrees_with_the_store_is_caught(world):
    plans, rows, outcome = world
    first = next(iter(outcome.receipts))
    outcome.receipts[first] = {**outcome.receipts[first], "counted": False}
    assert _problems(plans, rows, outcome) == {"receipt_mismatch": 1}
