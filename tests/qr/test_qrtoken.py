"""QR link tokens: the documented byte layout, strict decoding, every altered character refused."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import string
import struct
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.domain import qrtoken
from survey.domain.qrtoken import LinkClaims, TokenRejected

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KEY = b"k1-secret-0123456789abcdef"
KEYS = {"k1": KEY}
ALPHABET = string.ascii_uppercase + "234567"


def claims(**changes) -> LinkClaims:
    """Return the claims of a receipt link issued at NOW for 14 days, with ``changes``."""
    values = {
        "kind": "transaction", "key_id": "k1", "unit_id": 12, "service_id": 3,
        "transaction_ref": "000.00.27.H56-251123-0001", "questionnaire": "kiosk",
        "issued_at": NOW, "expires_at": NOW + dt.timedelta(days=14),
    }
    values.update(changes)
    return LinkClaims(**values)


def b32(raw: bytes) -> str:
    """Encode bytes as unpadded upper-case base32 (RFC 4648) with the standard library."""
    return base64.b32encode(raw).decode().rstrip("=")


def signed(body: bytes, key: bytes = KEY) -> str:
    """Return a token of arbitrary body bytes with a genuine tag (to test structure checks)."""
    tag = hmac.new(key, b"hailong-qr-link\x00" + body, hashlib.sha256).digest()[:12]
    return b32(body + tag)


def layout(head: int, kid: bytes, unit: int, service: int, issued: int, expires: int, ref: bytes) -> bytes:
    """Build token body bytes exactly as the module docstring documents them."""
    return bytes([head, len(kid)]) + kid + struct.pack(">IIII", unit, service, issued, expires) + bytes([len(ref)]) + ref


def test_token_bytes_follow_the_documented_layout():
    token = qrtoken.encode(claims(), KEY)
    issued = int(NOW.timestamp())
    body = layout(0x10, b"k1", 12, 3, issued, issued + 14 * 86400, b"000.00.27.H56-251123-0001")
    assert token == signed(body)
    assert len(token) == 93  # 58 bytes
    assert set(token) <= set(ALPHABET)


def test_round_trip_of_transaction_and_poster_links():
    for original in (
        claims(),
        claims(kind="poster", transaction_ref=None, service_id=None, questionnaire="sipas",
               expires_at=NOW + dt.timedelta(days=366)),
        claims(transaction_ref="Hồ sơ số 7"),  # UTF-8 references survive
    ):
        assert qrtoken.decode(qrtoken.encode(original, KEY), KEYS, NOW) == original


def test_poster_and_full_questionnaire_flags():
    poster = claims(kind="poster", transaction_ref=None, questionnaire="sipas")
    raw = base64.b32decode(qrtoken.encode(poster, KEY) + "=" * 3)
    assert raw[0] == 0x13


def test_every_single_character_alteration_is_refused():
    token = qrtoken.encode(claims(), KEY)
    refused = 0
    for position in range(len(token)):
        variants = {token[:position] + char + token[position + 1:] for char in ALPHABET + "01890=a. "}
        variants.add(token[:position] + token[position + 1:])  # a character lost
        variants.add(token[:position] + "A" + token[position:])  # a character added
        variants.add(token[:position] + token[position].lower() + token[position + 1:])
        variants.discard(token)
        for variant in variants:
            with pytest.raises(TokenRejected):
                qrtoken.decode(variant, KEYS, NOW)
            refused += 1
    assert refused > 93 * 31


def test_altered_characters_give_the_reason():
    token = qrtoken.encode(claims(), KEY)
    middle = len(token) // 2
    flipped = token[:middle] + ("B" if token[middle] != "B" else "C") + token[middle + 1:]
    assert _reason(flipped) == "bad_signature"
    assert _reason(token.lower()) == "malformed"
    assert _reason(token + "=" * 3) == "malformed"
    assert _reason(token + "A") == "malformed"  # 94 characters: no byte string has that length


def test_non_zero_trailing_bits_are_non_canonical():
    token = qrtoken.encode(claims(), KEY)
    # 58 bytes = 464 bits in 93 characters (465 bits): the last character's lowest bit is unused.
    last = ALPHABET.index(token[-1])
    assert last % 2 == 0
    assert _reason(token[:-1] + ALPHABET[last + 1]) == "non_canonical"


def test_unknown_key_id_and_wrong_secret():
    token = qrtoken.encode(claims(), KEY)
    assert _reason(token, {"k2": KEY}) == "unknown_key"
    assert _reason(token, {"k1": b"another-secret-0123456789"}) == "bad_signature"
    renamed = qrtoken.encode(claims(key_id="k2"), KEY)
    assert _reason(renamed, KEYS) == "unknown_key"


def test_expiry_boundaries():
    token = qrtoken.encode(claims(), KEY)
    expires = NOW + dt.timedelta(days=14)
    assert qrtoken.decode(token, KEYS, expires - dt.timedelta(seconds=1)).expires_at == expires
    assert _reason(token, KEYS, expires) == "expired"
    assert _reason(token, KEYS, expires + dt.timedelta(days=400)) == "expired"


def test_a_link_from_the_future_is_refused():
    token = qrtoken.encode(claims(issued_at=NOW + dt.timedelta(minutes=6),
                                  expires_at=NOW + dt.timedelta(days=1)), KEY)
    assert _reason(token, KEYS, NOW) == "not_yet_valid"
    assert qrtoken.decode(token, KEYS, NOW + dt.timedelta(minutes=2))  # within the clock skew


def test_rotation_keeps_old_links_while_their_key_is_configured():
    old = qrtoken.encode(claims(key_id="2026a"), b"old-secret-0123456789abcd")
    new = qrtoken.encode(claims(key_id="2026b"), b"new-secret-0123456789abcd")
    both = {"2026a": b"old-secret-0123456789abcd", "2026b": b"new-secret-0123456789abcd"}
    assert qrtoken.decode(old, both, NOW).key_id == "2026a"
    assert qrtoken.decode(new, both, NOW).key_id == "2026b"
    retired = {"2026b": b"new-secret-0123456789abcd"}
    assert _reason(old, retired) == "unknown_key"


def test_structures_encode_never_writes_are_refused_even_when_signed():
    issued = int(NOW.timestamp())
    good = {"head": 0x10, "kid": b"k1", "unit": 12, "service": 3, "issued": issued, "expires": issued + 60,
            "ref": b"T-1"}
    assert qrtoken.decode(signed(layout(**good)), KEYS, NOW).transaction_ref == "T-1"
    cases = {
        "unsupported_version": dict(good, head=0x20),
        "malformed": dict(good, head=0x14),  # an unknown flag
    }
    for reason, fields in cases.items():
        assert _reason(signed(layout(**fields))) == reason
    for fields in (
        dict(good, head=0x11),  # a poster with a transaction
        dict(good, ref=b""),  # a transaction link without one
        dict(good, unit=0),
        dict(good, expires=issued),
        dict(good, ref=b"\xff\xfe"),  # not UTF-8
        dict(good, kid=b"k 1"),
    ):
        assert _reason(signed(layout(**fields))) in ("malformed", "unknown_key")
    assert _reason(signed(layout(**good) + b"\x00")) == "malformed"  # a trailing byte
    assert _reason(signed(layout(**good)[:-2])) == "malformed"  # a truncated reference


def test_claims_no_token_could_carry_are_refused():
    for changes in (
        {"kind": "sticker"}, {"questionnaire": "papi"}, {"key_id": ""}, {"key_id": "x" * 17},
        {"transaction_ref": None}, {"kind": "poster"}, {"unit_id": 0}, {"service_id": 2**32},
        {"issued_at": NOW.replace(tzinfo=None)}, {"expires_at": NOW},
        {"issued_at": NOW + dt.timedelta(microseconds=5)}, {"transaction_ref": "x" * 129},
    ):
        with pytest.raises(ValueError):
            claims(**changes)


def test_digest_is_sha256_of_the_text():
    token = qrtoken.encode(claims(), KEY)
    assert qrtoken.digest(token) == hashlib.sha256(token.encode()).hexdigest()


@settings(max_examples=200, deadline=None)
@given(
    unit=st.integers(1, 2**32 - 1), service=st.none() | st.integers(1, 2**32 - 1),
    ref=st.none() | st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    days=st.integers(1, 4000), full=st.booleans(),
)
def test_any_claims_round_trip(unit, service, ref, days, full):
    original = claims(
        kind="poster" if ref is None else "transaction", unit_id=unit, service_id=service, transaction_ref=ref,
        questionnaire="sipas" if full else "kiosk", expires_at=NOW + dt.timedelta(days=days),
    )
    token = qrtoken.encode(original, KEY)
    assert qrtoken.decode(token, KEYS, NOW) == original
    assert b32(base64.b32decode(token + "=" * (-len(token) % 8))) == token


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=320))
def test_random_text_is_never_a_token(text):
    with pytest.raises(TokenRejected):
        qrtoken.decode(text, KEYS, NOW)


def test_the_token_module_imports_neither_flask_nor_sqlalchemy():
    probe = "import sys, survey.domain.qrtoken; print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _reason(token: str, keys=KEYS, now: dt.datetime = NOW) -> str:
    """Return why ``token`` is refused (failing the test if it is accepted)."""
    with pytest.raises(TokenRejected) as refused:
        qrtoken.decode(token, keys, now)
    return refused.value.reason
