"""Responses of one questionnaire across all its published versions, as rows of an export.

Rows are read in batches of response ids (keyset pagination on the primary key), so memory stays
constant however many responses match: each batch reads its responses, their answers, flags and design
values, yields the rows, and is dropped. The formats (exports_csv, exports_xlsx, exports_labelled) write
these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from survey.db.organisation import CHANNELS, Service, Unit
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, Response, ResponseFlag
from survey.domain.periods import Period
from survey.services import questionnaires, units
from survey.services.errors import ServiceError
from survey.services.exports_design import EMPTY, design_values
from survey.services.exports_layout import Column, Layout, build_layout

BATCH_SIZE = 5000
FORMATS = ("csv", "xlsx", "dta", "sav")


class ExportError(ServiceError):
    """An export that cannot be made: a stable code and messages in Vietnamese and English."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a questionnaire code and filters (unit subtree, period, channels, flagged)."""

    code: str
    unit_id: int | None = None
    period: Period | None = None
    channels: tuple[str, ...] = ()
    include_flagged: bool = True


def resolve_unit(session: Session, unit_code: str | None, scope_unit_id: int | None) -> int | None:
    """Return the id of the unit to export, checked against the caller's scope.

    Without a unit code the export covers the caller's whole scope (``scope_unit_id``; None = all).
    """
    if not unit_code:
        return scope_unit_id
    unit = units.by_code(session, unit_code)
    if unit is None:
        raise ExportError("unknown_unit", f"Không có đơn vị mã '{unit_code}'.",
                          f"There is no unit with code '{unit_code}'.")
    if not units.is_within(session, unit.id, scope_unit_id):
        raise ExportError("out_of_scope", f"Bạn không được xuất dữ liệu của đơn vị '{unit_code}'.",
                          f"You may not export the data of unit '{unit_code}'.")
    return unit.id


def layout_for(session: Session, code: str) -> Layout:
    """Return the export layout of every published version of ``code``, oldest first."""
    rows = [row for row in questionnaires.list_versions(session, code) if row.status == "published"]
    if not rows:
        raise ExportError("unknown_questionnaire", f"Bảng hỏi '{code}' chưa có phiên bản nào được công bố.",
                          f"Questionnaire '{code}' has no published version.")
    return build_layout(code, [questionnaires.get(session, code, row.version)[1] for row in rows])


def count(session: Session, request: ExportRequest) -> int:
    """Return how many responses the request matches."""
    query = _filtered(select(func.count(Response.id)), request)
    return session.scalar(query)


def iter_rows(session: Session, request: ExportRequest, layout: Layout,
              batch_size: int = BATCH_SIZE) -> Iterator[list]:
    """Yield one list of values per response (str, int, float, date or None), in layout order."""
    columns = [_selector(layout, column) for column in layout.columns]
    last_id = 0
    while True:
        query = _filtered(_response_query(), request)
        batch = session.execute(
            query.where(Response.id > last_id).order_by(Response.id).limit(batch_size)
        ).all()
        if not batch:
            return
        first, last_id = batch[0].id, batch[-1].id
        answers, flags = _answers(session, request, first, last_id), _flags(session, request, first, last_id)
        designs = design_values(session, [row.id for row in batch])
        for row in batch:
            context = _RowContext(row, answers.get(row.id, {}), flags.get(row.id, ()),
                                  designs.get(row.id, EMPTY))
            yield [select_value(context) for select_value in columns]


def _response_query():
    """Select the metadata of responses with their version, unit and service codes, and their revision."""
    revision = aliased(Response)
    superseded_by = (select(revision.uuid).where(revision.supersedes_uuid == Response.uuid)
                     .order_by(revision.id).limit(1).scalar_subquery())
    return (
        select(Response.id, Response.uuid, QuestionnaireVersion.version, Response.channel,
               Response.link_kind, Unit.code.label("unit_code"), Service.code.label("service_code"),
               Response.local_date, Response.submitted_at, Response.status, Response.counted,
               superseded_by.label("superseded_by"))
        .join(QuestionnaireVersion, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .join(Unit, Response.unit_id == Unit.id)
        .outerjoin(Service, Response.service_id == Service.id)
    )


def _filtered(query, request: ExportRequest):
    """Apply the request's filters to a query over responses."""
    version_ids = select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.code == request.code, QuestionnaireVersion.status == "published"
    )
    query = query.where(Response.questionnaire_version_id.in_(version_ids))
    if request.unit_id is not None:
        query = query.where(Response.unit_id.in_(select(_subtree(request.unit_id).c.id)))
    if request.period is not None:
        query = query.where(Response.local_date >= request.period.start,
                            Response.local_date < request.period.end)
    if request.channels:
        unknown = set(request.channels) - set(CHANNELS)
        if unknown:
            raise ExportError("unknown_channel", f"Kênh không hợp lệ: {', '.join(sorted(unknown))}.",
                              f"Unknown channel: {', '.join(sorted(unknown))}.")
        query = query.where(Response.channel.in_(request.channels))
    if not request.include_flagged:
        query = query.where(Response.status == "accepted")
    return query


def _subtree(root_id: int):
    """Return a recursive query of the ids of ``root_id`` and every unit below it.

    In SQL rather than as a list of ids: a province has thousands of units, and a bound list that long
    costs more to send with every batch than the query itself.
    """
    tree = select(Unit.id).where(Unit.id == root_id).cte("subtree", recursive=True)
    return tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))


def _answers(session: Session, request: ExportRequest, first: int, last: int) -> dict[int, dict[str, list]]:
    """Return the answer rows of a batch: response id -> item code -> rows in option order."""
    found: dict[int, dict[str, list]] = {}
    query = (select(Answer.response_id, Answer.item_code, Answer.value_int, Answer.value_num,
                    Answer.value_text, Answer.value_date)
             .join(Response, Response.id == Answer.response_id)
             .where(Answer.response_id.between(first, last)))
    rows = session.execute(
        _filtered(query, request).order_by(Answer.response_id, Answer.item_code, Answer.seq)
    )
    for row in rows:
        found.setdefault(row.response_id, {}).setdefault(row.item_code, []).append(row)
    return found


def _flags(session: Session, request: ExportRequest, first: int, last: int) -> dict[int, tuple[str, ...]]:
    """Return the flags of a batch: response id -> sorted flag names."""
    found: dict[int, list[str]] = {}
    query = (select(ResponseFlag.response_id, ResponseFlag.flag)
             .join(Response, Response.id == ResponseFlag.response_id)
             .where(ResponseFlag.response_id.between(first, last)))
    for response_id, flag in session.execute(
            _filtered(query, request).order_by(ResponseFlag.response_id, ResponseFlag.flag)):
        found.setdefault(response_id, []).append(flag)
    return {key: tuple(value) for key, value in found.items()}


@dataclass(frozen=True)
class _RowContext:
    """What one response's values are taken from."""

    row: object
    answers: dict[str, list]
    flags: tuple[str, ...]
    design: object


def _value(answer_row) -> object:
    """Return the typed value stored in one answer row."""
    for value in (answer_row.value_int, answer_row.value_num, answer_row.value_text, answer_row.value_date):
        if value is not None:
            return value
    return None


def _selector(layout: Layout, column: Column):
    """Return a function computing one column's value from a row context."""
    if column.source == "meta":
        return _META[column.name]
    if column.source == "design":
        position = ("weight", "strata", "psu", "fpc").index(column.name)
        return lambda context: context.design.as_tuple()[position]
    if column.source == "option":
        options = layout.options_by_version

        def option(context):
            asked = options.get(context.row.version, {}).get(column.item)
            rows = context.answers.get(column.item)
            if not rows or asked is None or column.option not in asked:
                return None
            return int(any(row.value_text == column.option for row in rows))
        return option

    def item(context):
        rows = context.answers.get(column.item)
        if not rows:
            return None
        if column.source == "multi" or len(rows) > 1:
            return " ".join(str(_value(row)) for row in rows)
        value = _value(rows[0])
        return value if column.type != "text" or value is None else _as_text(value)
    return item


def _as_text(value: object) -> str:
    """Write a value of an item whose type changed between versions as text."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


_META = {
    "uuid": lambda c: c.row.uuid,
    "questionnaire_version": lambda c: c.row.version,
    "channel": lambda c: c.row.channel,
    "link_kind": lambda c: c.row.link_kind,
    "unit": lambda c: c.row.unit_code,
    "service": lambda c: c.row.service_code,
    "local_date": lambda c: c.row.local_date,
    "submitted_at": lambda c: c.row.submitted_at.astimezone(dt.UTC).isoformat(),
    "status": lambda c: c.row.status,
    "counted": lambda c: int(bool(c.row.counted)),
    "flags": lambda c: " ".join(c.flags) or None,
    "superseded_by": lambda c: c.row.superseded_by,
}
