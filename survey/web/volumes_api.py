"""``POST /api/v1/transaction-volumes``: the one-stop system pushes daily transaction counts."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from survey.services import credentials
from survey.services.volumes import (
    Problem,
    VolumeImportError,
    VolumeRow,
    import_rows,
    parse_day,
    parse_processed,
)
from survey.web.database import request_session
from survey.web.security import limit_api_client

bp = Blueprint("volumes_api", __name__, url_prefix="/api/v1")

MAX_ROWS = 20_000


@bp.post("/transaction-volumes")
def import_volumes():
    """Import rows {unit, service, day, processed} all or nothing for an API client scoped to units."""
    session = request_session()
    credential = credentials.find(session, _bearer(), ("api_client",))
    if credential is None or credential.revoked_at is not None:
        return _error(401, "unauthorized", "Thiếu khóa API hợp lệ (Authorization: Bearer ...).",
                      "A valid API key is required (Authorization: Bearer ...).")
    limit_api_client(session, credential.id)
    body = request.get_json(silent=True)
    items = body.get("rows") if isinstance(body, dict) else body
    if not isinstance(items, list) or not items or len(items) > MAX_ROWS:
        return _error(400, "malformed", f"Cần một danh sách JSON từ 1 đến {MAX_ROWS} dòng.",
                      f"Send a JSON list of 1 to {MAX_ROWS} rows.")
    try:
        rows = _rows(items)
        result = import_rows(session, rows, source="api", scope_unit_id=credential.unit_id)
    except VolumeImportError as error:
        session.rollback()
        status, code = (403, "out_of_scope") if error.out_of_scope else (422, "invalid_rows")
        return _error(status, code, "Không nhập dòng nào: có dòng sai.",
                      "Nothing was imported: some rows are invalid.", error.problems)
    credentials.touch(credential)
    session.commit()
    return jsonify(inserted=result.inserted, replaced=result.replaced)


def _bearer() -> str:
    """Return the bearer token of the request, or an empty string."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _rows(items: list) -> list[VolumeRow]:
    """Turn the JSON rows into VolumeRows, or raise naming every bad row (1-based positions)."""
    rows, problems = [], []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(position, "row", "dòng phải là một đối tượng JSON",
                                    "a row must be a JSON object"))
            continue
        unit, service = item.get("unit"), item.get("service")
        bad = [name for name, value in (("unit", unit), ("service", service))
               if not isinstance(value, str) or not value.strip()]
        problems.extend(Problem(position, f"empty_{name}", f"thiếu mã {name}", f"{name} code is missing")
                        for name in bad)
        day, day_problem = parse_day(position, item.get("day"))
        processed, count_problem = parse_processed(position, item.get("processed"))
        problems.extend(p for p in (day_problem, count_problem) if p)
        if not bad and not day_problem and not count_problem:
            rows.append(VolumeRow(position, unit.strip(), service.strip(), day, processed))
    if problems:
        raise VolumeImportError(problems)
    return rows


def _error(status: int, code: str, message_vi: str, message_en: str, problems=()):
    """Return a JSON error in the API's shape, with per-row problems."""
    body = {"error": {"code": code, "item": None, "message": {"vi": message_vi, "en": message_en},
                      "errors": [problem.to_dict("row") for problem in problems]}}
    return jsonify(body), status
