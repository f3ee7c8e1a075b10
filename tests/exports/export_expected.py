"""The export expected from the submitted payloads, written out by hand from the two mini YAML files."""

from __future__ import annotations

import datetime as dt

COLUMNS = [
    "uuid", "questionnaire_version", "channel", "link_kind", "unit", "service", "local_date",
    "submitted_at", "status", "counted", "flags", "superseded_by", "weight", "strata", "psu", "fpc",
    "staff_satisfaction", "result_satisfaction", "overall", "problems", "problems__waiting",
    "problems__documents", "problems__attitude", "problems__fees", "age", "callback", "waiting_minutes",
]
OPTIONS = {"2026.1": ("waiting", "documents", "attitude"),
           "2026.2": ("waiting", "documents", "attitude", "fees")}
ORDER = ("waiting", "documents", "attitude", "fees")
PHONE = "0912345678"


def expected_row(payload: dict, flagged: bool) -> dict:
    """Return the expected values of one response, by column (None = missing)."""
    answers, version = payload["answers"], payload["questionnaire"]["version"]
    moment = dt.datetime.fromisoformat(payload["submitted_at"])
    row = {
        "uuid": payload["uuid"], "questionnaire_version": version, "channel": "web", "link_kind": None,
        "unit": payload["unit"], "service": payload.get("service"),
        "local_date": moment.astimezone(dt.timezone(dt.timedelta(hours=7))).date(),
        "submitted_at": moment.astimezone(dt.UTC).isoformat(),
        "status": "flagged" if flagged else "accepted", "counted": 0 if flagged else 1,
        "flags": "burst" if flagged else None, "superseded_by": None, "weight": None, "strata": None, "psu": None, "fpc": None,
    }
    for code in ("staff_satisfaction", "result_satisfaction", "overall", "age", "callback",
                 "waiting_minutes"):
        row[code] = answers.get(code)
    chosen = answers.get("problems")
    row["problems"] = " ".join(sorted(chosen, key=ORDER.index)) if chosen else None
    for option in ORDER:
        offered = option in OPTIONS[version]
        row[f"problems__{option}"] = int(option in chosen) if chosen and offered else None
    return row


def expected_rows(world, include_flagged: bool = True, units=None, months=None) -> dict[str, dict]:
    """Return the expected rows by uuid, filtered like an export request."""
    rows = {}
    for key, payload in world.payloads.items():
        row = expected_row(payload, key in world.flagged)
        if not include_flagged and key in world.flagged:
            continue
        if units is not None and row["unit"] not in units:
            continue
        if months is not None and row["local_date"].month not in months:
            continue
        rows[key] = row
    return rows
