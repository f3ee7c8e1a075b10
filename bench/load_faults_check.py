"""Compare what a load-and-fault run stored with what the kiosks sent, straight from PostgreSQL.

The stored set must equal the sent set: every planned uuid exactly once, nothing else; each stored
response with its raw JSON, typed answer rows and personal-data rows equal to the answers sent; the
flags and ``counted`` the integrity rules give each planned outcome; and every receipt a client got
agreeing with what is stored.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import psycopg
from load_faults_kiosk import Outcome
from load_faults_world import Device, Rating

PII_ITEMS = {"phone"}
MULTI_ITEMS = {"problem_elements"}


def stored_rows(url: str) -> dict[str, Any]:
    """Read responses, answers, personal data and flags of the run's database."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        responses = connection.execute(
            "SELECT id, uuid, raw_json, status, counted FROM responses").fetchall()
        answers = connection.execute(
            "SELECT response_id, item_code, seq, value_int, value_num, value_text, value_date FROM answers"
        ).fetchall()
        pii = connection.execute("SELECT response_id, item_code, value_text FROM pii_answers").fetchall()
        flags = connection.execute("SELECT response_id, flag FROM response_flags").fetchall()
    return {"responses": responses, "answers": answers, "pii": pii, "flags": flags}


def _answers_by_response(rows: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Rebuild each response's answers from its typed rows and personal-data rows."""
    rebuilt: dict[int, dict[str, Any]] = defaultdict(dict)
    for response_id, item, seq, value_int, value_num, value_text, value_date in sorted(
            rows["answers"], key=lambda row: (row[0], row[1], row[2])):
        value = next(v for v in (value_int, value_num, value_text, value_date) if v is not None)
        if item in MULTI_ITEMS:
            rebuilt[response_id].setdefault(item, []).append(value)
        else:
            rebuilt[response_id][item] = value
    for response_id, item, value_text in rows["pii"]:
        rebuilt[response_id][item] = value_text
    for values in rebuilt.values():
        for item in MULTI_ITEMS & set(values):
            values[item].sort()
    return rebuilt


def _expected_answers(rating: Rating) -> dict[str, Any]:
    """Return the answers as the rebuilt rows should give them back (choices sorted)."""
    return {item: sorted(value) if item in MULTI_ITEMS else value
            for item, value in rating.payload["answers"].items()}


def compare(plans: list[Device], outcome: Outcome, rows: dict[str, Any]) -> dict[str, Any]:
    """Return lost, duplicated, altered, partial, mis-flagged ratings and receipt mismatches.

    Lost means a client holds a receipt for a rating the database does not have. A rating still
    queued when the run's time is up is unfinished, not lost (its kiosk would send it again).
    """
    sent = {rating.uuid: rating for device in plans for rating in device.ratings}
    uuids = Counter(uuid for _, uuid, *_ in rows["responses"])
    by_uuid = {uuid: (id_, raw, status, counted) for id_, uuid, raw, status, counted in rows["responses"]}
    answers = _answers_by_response(rows)
    flags: dict[int, set[str]] = defaultdict(set)
    for response_id, flag in rows["flags"]:
        flags[response_id].add(flag)
    final = set(outcome.receipts) | set(outcome.dead)
    report = {
        "sent": len(sent), "stored": len(rows["responses"]), "unfinished": len(set(sent) - final),
        "lost": sorted(set(outcome.receipts) - set(uuids)),
        "unexpected": sorted(set(uuids) - set(sent)),
        "duplicated": sorted(u for u, n in uuids.items() if n > 1), "altered": [], "partial": [],
        "flag_mismatch": [], "receipt_mismatch": [], "dead_letters": sorted(outcome.dead),
    }
    for uuid, rating in sent.items():
        if uuid not in by_uuid:
            continue
        id_, raw, _, counted = by_uuid[uuid]
        expected = _expected_answers(rating)
        public = {k: v for k, v in rating.payload["answers"].items() if k not in PII_ITEMS}
        if json.loads(raw) != {**rating.payload, "answers": public}:
            report["altered"].append(uuid)
        if answers.get(id_, {}) != expected:
            (report["partial"] if set(answers.get(id_, {})) != set(expected) else report["altered"]).append(uuid)
        receipt = outcome.receipts.get(uuid)
        if receipt is None and uuid not in final:
            continue  # still queued when the run's time was up: stored by a request whose reply was lost
        if receipt is None or sorted(receipt["flags"]) != sorted(flags[id_]) or receipt["counted"] != counted:
            report["receipt_mismatch"].append(uuid)
    report["flag_mismatch"] = _flag_mismatches(sent, by_uuid, flags)
    report["resends"] = _resend_report(outcome)
    return report


def _flag_mismatches(sent: dict[str, Rating], by_uuid: dict, flags: dict[int, set[str]]) -> list[str]:
    """Return uuids whose stored flags or counted state break the outcome planned for them."""
    wrong = []
    for uuid, rating in sent.items():
        if uuid not in by_uuid:
            continue
        id_, _, status, counted = by_uuid[uuid]
        mine = flags[id_]
        if rating.kind == "normal":
            ok = not mine and counted and status == "accepted"
        elif rating.kind == "outside":
            ok = mine == {"outside_opening_hours"} and counted and status == "flagged"
        elif rating.kind == "rapid":
            other = flags[by_uuid[rating.pair][0]] if rating.pair in by_uuid else set()
            ok = mine <= {"burst"} and counted and len([s for s in (mine, other) if s == {"burst"}]) == 1
        else:  # same_ref: exactly one of the pair counted, the other flagged as a second rating
            other = by_uuid.get(rating.pair)
            ok = other is not None and counted != other[3] and (
                mine == set() if counted else mine == {"duplicate_transaction"})
        if not ok:
            wrong.append(uuid)
    return wrong


def _resend_report(outcome: Outcome) -> dict[str, int]:
    """Check every deliberate duplicate send got a 200 replay of the first receipt."""
    bad = 0
    for uuid, replay in outcome.resends.items():
        first = outcome.receipts.get(uuid, {})
        if (replay.get("http_status") != 200 or replay.get("status") != "duplicate"
                or sorted(replay.get("flags", [])) != sorted(first.get("flags", []))
                or replay.get("counted") != first.get("counted")):
            bad += 1
    return {"sent": len(outcome.resends), "wrong_replies": bad}
