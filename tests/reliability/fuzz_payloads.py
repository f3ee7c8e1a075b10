"""Hypothesis strategies for submission payloads: valid-ish ones built from the published forms, then broken.

A payload starts valid for a channel and its credential (answers drawn per item type from the
form's own choices and bounds) and then takes zero or more mutations: junk in any field, fields
dropped or added, wrong hashes and versions, out-of-scope or unknown units, odd timestamps, unknown
items, huge strings, NUL bytes, lone surrogates, NaN and Infinity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fuzz_world import BUNDLED, MINI, QR_CONFIG
from hypothesis import strategies as st

from survey.domain import qrtoken
from survey.domain.loader import load_file
from survey.domain.model import Item, Questionnaire

FORMS: dict[str, Questionnaire] = {
    form.code: form for form in (load_file(BUNDLED / "kiosk" / "2026.1.yaml"),
                                 load_file(BUNDLED / "sipas" / "2026.1.yaml"), load_file(MINI))
}
INTEGER_LIMIT = 2**31 - 1
UNITS = ("P01", "C01", "S01", "K01", "K02", "C02", "K03")
# channel -> units its credential may submit for (kiosk: centre S01; interview and clerk: commune C01)
IN_SCOPE = {"kiosk": ("S01", "K01", "K02"), "interview": ("C01", "S01", "K01", "K02"),
            "web": ("C01", "S01", "K01", "K02"), "qr": ("K01", "K02", "S01")}
ODD_TEXT = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\ud800", "\u202e", "ﷺ", "𝕳𝖆𝖎 𝕷𝖔𝖓𝖌", "Hải Long\n", "' OR 1=1 --",
    "=HYPERLINK(\"x\")", "x" * 5000, "Ω" * 4001, "%s%n", "null", "NaN", "\t", "\r\n",
])
TEXT = st.one_of(st.text(max_size=40), ODD_TEXT)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(), TEXT,
)
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def valid_answer(item: Item) -> st.SearchStrategy:
    """Return a strategy of answers of the item's type, within its choices and bounds."""
    if item.type in ("likert5", "choice", "yes_no"):
        return st.sampled_from(item.choice_values())
    if item.type == "multi_choice":
        return st.lists(st.sampled_from(item.choice_values()), min_size=1, unique=True)
    if item.type == "integer":
        low = -INTEGER_LIMIT if item.min is None else int(item.min)
        high = INTEGER_LIMIT if item.max is None else int(item.max)
        return st.integers(low, high)
    if item.type == "decimal":
        return st.floats(item.min, item.max, allow_nan=False, allow_infinity=False)
    if item.type == "date":
        return st.dates().map(dt.date.isoformat)
    if item.pii:
        return st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True)
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=60)


def answer(item: Item) -> st.SearchStrategy:
    """Return a strategy of mostly valid answers, sometimes unanswered, sometimes junk."""
    return st.one_of(valid_answer(item), valid_answer(item), st.sampled_from([None, "", []]), JUNK)


def answers(form: Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy of answer objects: any subset of the form's items, plus unknown items."""
    known = st.fixed_dictionaries({}, optional={item.code: answer(item) for item in form.items})
    unknown = st.dictionaries(TEXT, JUNK, max_size=2)
    return st.tuples(known, st.one_of(st.just({}), st.just({}), unknown)).map(lambda pair: {**pair[1], **pair[0]})


@dataclass(frozen=True)
class Sending:
    """One payload and the credential it is sent with (a bearer token or the clerk's session)."""

    payload: Any
    token: str | None
    staff: bool


def _moment(now: dt.datetime) -> st.SearchStrategy[str]:
    """Return recent ISO times with offsets, mostly valid, sometimes extreme or malformed."""
    offsets = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7)), dt.timezone(dt.timedelta(hours=-14)),
                               dt.timezone(dt.timedelta(hours=14))])
    recent = st.builds(lambda minutes, zone: (now - dt.timedelta(minutes=minutes)).astimezone(zone).isoformat(),
                       st.integers(1, 60 * 24 * 30), offsets)
    odd = st.one_of(
        st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()),
        st.builds(lambda d, zone: d.replace(tzinfo=zone).isoformat(), st.datetimes(), offsets),
        st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-03-02T10:00:00",
                         "2026-02-30T10:00:00Z", "2026-03-02", "T", "2026-03-02T25:00:00Z"]),
        st.just((now + dt.timedelta(hours=1)).isoformat()),
    )
    return st.one_of(recent, recent, recent, odd)


REFERENCE = st.from_regex(r"[A-Z0-9.\-]{1,30}", fullmatch=True)
ANSWERS = {code: answers(form) for code, form in FORMS.items()}
# Clean sendings: valid-typed answers only, the right credential, no mutation (most still meet skip logic).
VALID_ANSWERS = {code: st.fixed_dictionaries({}, optional={item.code: valid_answer(item) for item in form.items})
                 for code, form in FORMS.items()}
# Header values: Latin-1 without line breaks (the test client refuses those before sending).
WRONG_TOKEN = TEXT.map(lambda text: text.encode("latin-1", "replace").decode("latin-1").replace("\n", "").replace("\r", ""))


def sendings(world, now: dt.datetime) -> st.SearchStrategy[Sending]:
    """Return a strategy of payloads for some channel and credential, broken in zero or more ways."""
    moment, mutation = _moment(now), _mutation(world, now)
    wrong_token = st.one_of(st.none(), st.sampled_from(sorted(world.tokens.values())), WRONG_TOKEN)

    @st.composite
    def sending(draw) -> Sending:
        channel = draw(st.sampled_from(["kiosk", "interview", "web", "qr", "qr"]))
        code = draw(st.sampled_from(["kiosk", "sipas"] if channel == "qr" else sorted(FORMS)))
        form = FORMS[code]
        clean = draw(st.integers(0, 2)) == 0
        payload = {
            "uuid": str(draw(st.uuids(version=4))),
            "questionnaire": {"code": form.code, "version": form.version},
            "channel": channel, "unit": draw(st.sampled_from(IN_SCOPE[channel])),
            "submitted_at": draw(moment), "answers": draw((VALID_ANSWERS if clean else ANSWERS)[code]),
        }
        if draw(st.booleans()):
            payload["service"] = "1.000894"
        if draw(st.booleans()):
            payload["transaction_ref"] = draw(REFERENCE)
        if not clean and draw(st.integers(0, 9)) == 0:
            token = draw(wrong_token)
        else:
            token = _credential(draw, channel, world, payload, now)
        for _ in range(0 if clean else draw(st.integers(0, 3))):
            draw(mutation)(payload)
        return Sending(payload, token, channel == "web")

    return sending()


def _credential(draw, channel: str, world, payload: dict, now: dt.datetime) -> str | None:
    """Return the channel's token: a device token, or for qr a signed link matching the payload."""
    if channel == "kiosk":
        return world.tokens[draw(st.sampled_from(["kiosk", "kiosk", "kiosk_revoked"]))]
    if channel == "interview":
        return world.tokens["interview"]
    if channel == "web":
        return None
    return _link_for(draw, world, payload, now)


def _link_for(draw, world, payload: dict, now: dt.datetime) -> str:
    """Sign a receipt or poster link that names what the payload names."""
    poster = draw(st.booleans())
    payload["link_kind"] = "poster" if poster else "transaction"
    if poster:
        payload.pop("transaction_ref", None)
    else:
        payload.setdefault("transaction_ref", f"T-{payload['uuid'][:8]}")
    issued = now.replace(microsecond=0) - dt.timedelta(days=draw(st.integers(0, 20)))
    claims = qrtoken.LinkClaims(
        payload["link_kind"], "2026b", world.units[payload["unit"]],
        world.service_id if "service" in payload else None, payload.get("transaction_ref"),
        payload["questionnaire"]["code"], issued, issued + dt.timedelta(days=14),
    )
    return qrtoken.encode(claims, QR_CONFIG["QR_KEYS"]["2026b"].encode())


def _mutation(world, now: dt.datetime) -> st.SearchStrategy:
    """Return a strategy of functions that break a payload in place."""
    fields = ["uuid", "questionnaire", "channel", "unit", "service", "transaction_ref", "started_at",
              "submitted_at", "answers", "supersedes", "paradata", "link_kind", "questionnaire_hash"]
    hashes = sorted(world.hashes.values())

    def setter(field: str, values: st.SearchStrategy) -> st.SearchStrategy:
        return values.map(lambda value: lambda payload: payload.__setitem__(field, value))

    return st.one_of(
        st.sampled_from(fields).map(lambda field: lambda payload: payload.pop(field, None)),
        st.tuples(st.sampled_from(fields), JUNK).map(lambda pair: lambda payload: payload.__setitem__(*pair)),
        st.tuples(TEXT, JUNK).map(lambda pair: lambda payload: payload.__setitem__(*pair)),
        setter("unit", st.one_of(st.sampled_from(UNITS), TEXT)),
        setter("service", st.one_of(st.just("9.999999"), TEXT)),
        setter("transaction_ref", TEXT),
        setter("questionnaire", st.fixed_dictionaries({
            "code": st.one_of(st.sampled_from(sorted(FORMS)), TEXT),
            "version": st.one_of(st.sampled_from(["2026.1", "2026.2", "2025.9"]), TEXT)})),
        setter("questionnaire_hash", st.one_of(st.sampled_from(hashes), st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
                                               TEXT)),
        st.just(lambda payload: payload.pop("questionnaire", None)).flatmap(
            lambda drop: st.sampled_from(hashes).map(
                lambda digest: lambda payload: (drop(payload), payload.__setitem__("questionnaire_hash", digest)))),
        setter("submitted_at", _moment(now)),
        setter("started_at", _moment(now)),
        setter("uuid", st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()), TEXT)),
        setter("supersedes", st.one_of(st.uuids().map(str), TEXT)),
        setter("paradata", st.one_of(st.dictionaries(TEXT, JUNK, max_size=3), JUNK)),
        setter("link_kind", st.one_of(st.sampled_from(["transaction", "poster"]), TEXT)),
        setter("channel", st.sampled_from(["kiosk", "qr", "web", "interview", "KIOSK", "sms"])),
    )
