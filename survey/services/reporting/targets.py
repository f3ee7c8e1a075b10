"""Targets set by unit managers ("SIPAS ≥ 85 %", "top 10") and their verdicts: met, not met, unclear."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.comparisons import STATUS_TEXT, check_target
from analysis.ranking import Ranking
from survey.db.targets import Target
from survey.domain.periods import Period
from survey.services import audit
from survey.services.reporting.cells import Cell
from survey.services.reporting.structure import INDEX_KINDS

_RANK = re.compile(r"^\s*(?:top|tốp|hạng|nhóm)\s*(\d+)\s*$", re.IGNORECASE)
_VALUE = re.compile(r"^\s*(>=|≥|>|<=|≤|<)?\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


class TargetError(ValueError):
    """A target that cannot be stored, with its message in Vietnamese then English."""


@dataclass(frozen=True)
class Verdict:
    """Whether a target is met: 'met', 'not_met' or 'unclear', with the text shown."""

    status: str
    target_text: str

    @property
    def text(self) -> str:
        """Return the verdict in Vietnamese then English."""
        return STATUS_TEXT[self.status]


def describe(target: Target) -> str:
    """Return the target as written: '≥ 85' or 'top 10'."""
    if target.kind == "rank":
        return f"top {target.rank_limit}"
    symbol = {">=": "≥", "<=": "≤"}.get(target.operator, target.operator)
    return f"{symbol} {target.threshold:g}"


def parse(text: str) -> dict:
    """Read '≥ 85 %', '>= 85', '85' (value on the index's scale) or 'top 10' (rank)."""
    rank = _RANK.match(text or "")
    if rank:
        limit = int(rank.group(1))
        if limit < 1:
            raise TargetError("Thứ hạng phải từ 1 trở lên / the rank must be 1 or more")
        return {"kind": "rank", "operator": None, "threshold": None, "rank_limit": limit}
    value = _VALUE.match(text or "")
    if not value:
        raise TargetError(
            f"Không đọc được chỉ tiêu {text!r}: viết như '≥ 85 %' hoặc 'top 10' / "
            f"cannot read the target {text!r}: write it like '≥ 85 %' or 'top 10'"
        )
    operator = {"≥": ">=", "≤": "<=", None: ">="}.get(value.group(1), value.group(1))
    return {"kind": "value", "operator": operator,
            "threshold": float(value.group(2).replace(",", ".")), "rank_limit": None}


def set_target(session: Session, index: str, unit_id: int, period: str, text: str,
               by: int | None = None) -> Target:
    """Create or replace the target of ``index`` for a unit and period."""
    if index not in INDEX_KINDS:
        raise TargetError(f"Chỉ số không tồn tại / unknown index {index!r}")
    try:
        code = Period.parse(period).code()
    except ValueError as error:
        raise TargetError(f"Kỳ không hợp lệ / invalid period {period!r}") from error
    values = parse(text)
    target = session.scalars(select(Target).where(
        Target.index_code == index, Target.unit_id == unit_id, Target.period == code)).first()
    if target is None:
        target = Target(index_code=index, unit_id=unit_id, period=code)
        session.add(target)
    for key, value in values.items():
        setattr(target, key, value)
    target.set_by = by
    session.flush()
    audit.record(session, "target.set", "target", target.id, unit_id=unit_id,
                 details={"index": index, "period": code, "target": describe(target)})
    return target


def delete_target(session: Session, target_id: int, unit_ids: set[int] | None = None) -> bool:
    """Delete a target (only within ``unit_ids`` when given); return whether one was deleted."""
    target = session.get(Target, target_id)
    if target is None or (unit_ids is not None and target.unit_id not in unit_ids):
        return False
    audit.record(session, "target.delete", "target", target.id, unit_id=target.unit_id,
                 details={"index": target.index_code, "period": target.period})
    session.delete(target)
    session.flush()
    return True


def list_targets(session: Session, unit_ids: set[int]) -> list[Target]:
    """Return the targets of the given units, newest period first."""
    rows = session.scalars(select(Target).where(Target.unit_id.in_(sorted(unit_ids)))).all()
    return sorted(rows, key=lambda t: (t.period, t.index_code, t.unit_id), reverse=True)


def targets_for(session: Session, index: str, unit_ids, period: Period | None) -> dict[int, Target]:
    """Return each unit's target for ``period``, else for its half-year, else for its year."""
    if period is None:
        return {}
    codes = [period.code()]
    for kind in ("half", "year"):
        if Period.containing(period.start, kind).code() not in codes and kind != period.kind:
            codes.append(Period.containing(period.start, kind).code())
    rows = session.scalars(select(Target).where(
        Target.index_code == index, Target.unit_id.in_(sorted(set(unit_ids))),
        Target.period.in_(codes))).all()
    found: dict[int, Target] = {}
    for code in reversed(codes):
        for row in rows:
            if row.period == code:
                found[row.unit_id] = row
    return found


def verdict(target: Target, cell: Cell | None, ranking: Ranking | None = None,
            name: str | None = None) -> Verdict:
    """Judge a target: a value against the confidence interval, a rank against the ranking.

    A value target is met only when the whole interval lies on the right side of the threshold
    (analysis.comparisons.check_target). A rank target "top N" (higher is better for every index) is
    met when the unit's interval lies above the midpoint between the N-th and the (N+1)-th point
    estimates, not met when it lies below, and unclear otherwise. Suppressed estimates are unclear.
    """
    text = describe(target)
    if cell is None or cell.suppressed:
        return Verdict("unclear", text)
    if target.kind == "value":
        result = check_target(cell.estimate, target.threshold / cell.scale, target.operator)
        return Verdict(result.status, text)
    units = ranking.units if ranking is not None else ()
    mine = next((unit for unit in units if unit.name == name), None)
    if mine is None:
        return Verdict("unclear", text)
    if target.rank_limit >= len(units):
        return Verdict("met", text)
    last, first_out = units[target.rank_limit - 1], units[target.rank_limit]
    cut = (last.estimate.estimate + first_out.estimate.estimate) / 2
    if mine.estimate.ci_low > cut:
        return Verdict("met", text)
    if mine.estimate.ci_high < cut:
        return Verdict("not_met", text)
    return Verdict("unclear", text)
