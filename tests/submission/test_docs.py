"""docs/api.md and docs/openapi.yaml name every error code, field and flag the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from survey.services.qrlinks import ERRORS as QR_ERRORS
from survey.services.submission_errors import CODES
from survey.services.submission_payload import FIELDS

DOCS = Path(__file__).parents[2] / "docs"
ANSWER_CODES = {
    "unknown_item", "invalid_type", "invalid_choice", "out_of_range", "too_long", "required",
    "not_relevant", "constraint_failed",
}
FLAGS = {"credential_revoked", "duplicate_transaction", "outside_opening_hours", "burst"}
SOURCES = Path(__file__).parents[2] / "survey"


def openapi() -> dict:
    """Return the parsed OpenAPI document."""
    return yaml.safe_load((DOCS / "openapi.yaml").read_text(encoding="utf-8"))


def test_answer_codes_are_the_ones_the_checker_uses():
    text = "".join((SOURCES / "domain" / name).read_text() for name in ("answers.py", "answer_values.py"))
    used = set(re.findall(r'(?:AnswerProblem\(\s*|_problem\(\s*item,\s*)"([a-z_]+)"', text))
    assert used == ANSWER_CODES


def test_openapi_lists_every_error_code():
    schemas = openapi()["components"]["schemas"]
    qr_codes = {code for code, *_ in QR_ERRORS.values()}
    assert set(schemas["ErrorBody"]["properties"]["code"]["enum"]) == set(CODES) | ANSWER_CODES | qr_codes


def test_openapi_payload_fields_and_flags():
    schemas = openapi()["components"]["schemas"]
    assert set(schemas["Submission"]["properties"]) == FIELDS
    assert set(schemas["Receipt"]["properties"]["flags"]["items"]["enum"]) == FLAGS


def test_api_md_documents_every_code_with_its_status():
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    for code, (status, _, _) in CODES.items():
        rows = [line for line in text.splitlines() if line.startswith(f"| {status} |") and f"`{code}`" in line]
        assert rows, f"{code} ({status}) is not in the error table of docs/api.md"
    for code in ANSWER_CODES | FLAGS | FIELDS:
        assert f"`{code}`" in text, code
