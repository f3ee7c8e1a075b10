"""Compact signed tokens of QR links: what a link grants, an HMAC tag, RFC 4648 base32 text.

A token is the base32 text (upper case, no padding: the QR code can then use its alphanumeric mode)
of these bytes, integers big-endian::

    head       1 byte   format version (high 4 bits) and flags: 1 = poster link, 2 = full questionnaire
    key id     1 byte length, then 1..16 ASCII characters [A-Za-z0-9_-]
    unit       4 bytes  unit id
    service    4 bytes  service id, 0 for none
    issued     4 bytes  issue time, seconds since 1970-01-01 UTC
    expires    4 bytes  expiry time, seconds since 1970-01-01 UTC
    reference  1 byte length, then the transaction reference in UTF-8 (length 0: a poster link)
    tag        12 bytes HMAC-SHA256(key, DOMAIN + all the bytes above), truncated (RFC 2104 section 5)

Decoding is strict: one set of claims has exactly one token text. Characters outside the alphabet, a
length no byte string encodes to, non-zero unused trailing bits, unknown flags, fields that do not add
up, trailing bytes, an unknown key id, a wrong tag and an expired token are each refused with their own
reason. A 96-bit tag leaves a forger a 2**-96 chance per attempt, and every attempt is an online request.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass

FORMAT_VERSION = 1
TAG_BYTES = 12
DOMAIN = b"hailong-qr-link\x00"
MAX_TOKEN_CHARS = 320
MAX_REFERENCE_BYTES = 128
KINDS = ("transaction", "poster")
QUESTIONNAIRES = ("kiosk", "sipas")
CLOCK_SKEW = dt.timedelta(minutes=5)

_POSTER = 0x1
_FULL = 0x2
_FLAGS = _POSTER | _FULL
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_ALPHABET = re.compile(r"[A-Z2-7]*")
_FIXED = struct.Struct(">IIII")
_U32_MAX = 2**32 - 1
# Lengths of unpadded base32 text modulo 8 that some byte string encodes to (RFC 4648 section 6).
_VALID_REMAINDERS = {0, 2, 4, 5, 7}

# Why a token is refused. Each has a friendly page; "tampered" groups the reasons a citizen need not
# tell apart (any of them means the text is not what hailong issued).
REASONS = (
    "malformed", "non_canonical", "unsupported_version", "unknown_key", "bad_signature",
    "not_yet_valid", "expired",
)


class TokenRejected(ValueError):
    """A token that does not grant anything; ``reason`` is one of REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class LinkClaims:
    """What a QR link grants: one rating (transaction) or ratings (poster) for a unit."""

    kind: str
    key_id: str
    unit_id: int
    service_id: int | None
    transaction_ref: str | None
    questionnaire: str
    issued_at: dt.datetime
    expires_at: dt.datetime

    def __post_init__(self) -> None:
        """Refuse claims that no token could carry."""
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if self.questionnaire not in QUESTIONNAIRES:
            raise ValueError(f"questionnaire must be one of {QUESTIONNAIRES}")
        if not _KEY_ID.fullmatch(self.key_id):
            raise ValueError("a key id is 1 to 16 characters A-Z, a-z, 0-9, _ or -")
        if (self.kind == "poster") != (self.transaction_ref is None):
            raise ValueError("a transaction link names its transaction, a poster link none")
        if self.transaction_ref is not None and not (
            0 < len(self.transaction_ref.encode("utf-8")) <= MAX_REFERENCE_BYTES
        ):
            raise ValueError(f"a transaction reference is 1 to {MAX_REFERENCE_BYTES} bytes of UTF-8")
        for name in ("unit_id", "service_id"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= _U32_MAX:
                raise ValueError(f"{name} must be within 1..{_U32_MAX}")
        for name in ("issued_at", "expires_at"):
            moment = getattr(self, name)
            if moment.tzinfo is None or moment.microsecond or not 0 <= moment.timestamp() <= _U32_MAX:
                raise ValueError(f"{name} must be an aware time in whole seconds after 1970")
        if self.expires_at <= self.issued_at:
            raise ValueError("a link expires after it is issued")


def encode(claims: LinkClaims, key: bytes) -> str:
    """Return the token of ``claims`` signed with ``key`` (the key of ``claims.key_id``)."""
    flags = (_POSTER if claims.kind == "poster" else 0) | (_FULL if claims.questionnaire == "sipas" else 0)
    key_id = claims.key_id.encode("ascii")
    reference = (claims.transaction_ref or "").encode("utf-8")
    body = b"".join((
        bytes((FORMAT_VERSION << 4 | flags, len(key_id))), key_id,
        _FIXED.pack(
            claims.unit_id, claims.service_id or 0, int(claims.issued_at.timestamp()),
            int(claims.expires_at.timestamp()),
        ),
        bytes((len(reference),)), reference,
    ))
    return base64.b32encode(body + _tag(key, body)).decode("ascii").rstrip("=")


def decode(token: str, keys: Mapping[str, bytes], now: dt.datetime) -> LinkClaims:
    """Return the claims of a genuine, current token, or raise TokenRejected with the reason.

    The checks run from the outside in: text, structure, key id, tag, then time; nothing in the
    token is believed before its tag is verified, except the key id needed to verify it.
    """
    raw = _base32(token)
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    fields = _fields(body)
    key = keys.get(fields["key_id"])
    if key is None:
        raise TokenRejected("unknown_key", fields["key_id"])
    if not hmac.compare_digest(tag, _tag(key, body)):
        raise TokenRejected("bad_signature")
    claims = LinkClaims(**fields)
    if claims.issued_at > now + CLOCK_SKEW:
        raise TokenRejected("not_yet_valid", claims.issued_at.isoformat())
    if now >= claims.expires_at:
        raise TokenRejected("expired", claims.expires_at.isoformat())
    return claims


def valid_key_id(key_id: str) -> bool:
    """Whether ``key_id`` can name a key: 1 to 16 characters A-Z, a-z, 0-9, _ or -."""
    return bool(_KEY_ID.fullmatch(key_id))


def digest(token: str) -> str:
    """Return the sha256 (hex) of a token's text: how a spent token is remembered."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _tag(key: bytes, body: bytes) -> bytes:
    """Return the truncated HMAC-SHA256 of the token body."""
    return hmac.new(key, DOMAIN + body, hashlib.sha256).digest()[:TAG_BYTES]


def _base32(token: str) -> bytes:
    """Return the bytes of canonical unpadded upper-case base32 text."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
        raise TokenRejected("malformed", "length")
    if not token.isascii() or not _ALPHABET.fullmatch(token):
        raise TokenRejected("malformed", "a character outside A-Z and 2-7")
    if len(token) % 8 not in _VALID_REMAINDERS:
        raise TokenRejected("malformed", "no byte string has this length in base32")
    raw = base64.b32decode(token + "=" * (-len(token) % 8))
    if base64.b32encode(raw).decode("ascii").rstrip("=") != token:
        raise TokenRejected("non_canonical", "unused trailing bits are not zero")
    if len(raw) <= TAG_BYTES:
        raise TokenRejected("malformed", "too short")
    return raw


def _fields(body: bytes) -> dict:
    """Parse the signed bytes into LinkClaims fields, refusing any structure encode never writes."""
    head = body[0]
    if head >> 4 != FORMAT_VERSION:
        raise TokenRejected("unsupported_version", str(head >> 4))
    if head & 0xF & ~_FLAGS:
        raise TokenRejected("malformed", "unknown flags")
    cursor = 1
    key_id, cursor = _counted(body, cursor)
    if cursor + _FIXED.size > len(body):
        raise TokenRejected("malformed", "truncated")
    unit_id, service_id, issued, expires = _FIXED.unpack_from(body, cursor)
    reference, cursor = _counted(body, cursor + _FIXED.size)
    if cursor != len(body):
        raise TokenRejected("malformed", "trailing bytes")
    try:
        key_text = key_id.decode("ascii")
        reference_text = reference.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenRejected("malformed", "text fields") from None
    if not _KEY_ID.fullmatch(key_text):
        raise TokenRejected("malformed", "key id")
    poster = bool(head & _POSTER)
    if poster == bool(reference) or len(reference) > MAX_REFERENCE_BYTES or not unit_id or expires <= issued:
        raise TokenRejected("malformed", "fields")
    return {
        "kind": KINDS[poster], "key_id": key_text, "unit_id": unit_id, "service_id": service_id or None,
        "transaction_ref": reference_text or None, "questionnaire": QUESTIONNAIRES[bool(head & _FULL)],
        "issued_at": dt.datetime.fromtimestamp(issued, dt.UTC),
        "expires_at": dt.datetime.fromtimestamp(expires, dt.UTC),
    }


def _counted(body: bytes, cursor: int) -> tuple[bytes, int]:
    """Return a length-prefixed field starting at ``cursor`` and the position after it."""
    if cursor >= len(body):
        raise TokenRejected("malformed", "truncated")
    end = cursor + 1 + body[cursor]
    if end > len(body):
        raise TokenRejected("malformed", "truncated")
    return body[cursor + 1:end], end
