"""Fieldwork progress per village and per enumerator: completed vs quota, refusals, replacements.

Counts follow the sampling convention of the weights: a draw is *issued* when it is in the main
sample or was visited (a replacement is issued only when used); it is *returned* when its visit has
an outcome. The response rate is completed / (returned - ineligible): AAPOR RR1 (The American
Association for Public Opinion Research, Standard Definitions, 2023) over the visits made so far; once
every issued form is returned it is RR1 of the whole sample.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.db.fieldwork import FrameUnitRow, RespondentDraw, SampleSelection
from survey.db.interviews import FieldAssignment
from survey.services.fieldwork_scope import visible_selections, within
from survey.services.sampling import design_of, get_survey


@dataclass
class Progress:
    """Counts for a village or an enumerator."""

    label: str
    enumerator: str = ""
    quota: int = 0
    issued: int = 0
    returned: int = 0
    completed: int = 0
    refused: int = 0
    noncontact: int = 0
    ineligible: int = 0
    replacements: int = 0
    villages: set = field(default_factory=set)

    def add(self, draw: RespondentDraw) -> None:
        """Count one draw."""
        issued = draw.role == "main" or draw.status != "pending"
        self.issued += issued
        self.returned += issued and draw.status != "pending"
        self.replacements += draw.role == "replacement" and draw.status != "pending"
        if draw.status in ("completed", "refused", "noncontact", "ineligible"):
            setattr(self, draw.status, getattr(self, draw.status) + 1)

    @property
    def response_rate(self) -> float | None:
        """Return completed / (returned - ineligible), or None before any eligible visit."""
        eligible = self.returned - self.ineligible
        return self.completed / eligible if eligible else None

    @property
    def returned_share(self) -> float | None:
        """Return the share of issued forms that came back with an outcome."""
        return self.returned / self.issued if self.issued else None

    def to_dict(self) -> dict:
        """Return the counts as a JSON-ready dict."""
        return {"label": self.label, "enumerator": self.enumerator, "villages": len(self.villages),
                "quota": self.quota, "issued": self.issued, "returned": self.returned,
                "completed": self.completed, "refused": self.refused, "noncontact": self.noncontact,
                "ineligible": self.ineligible, "replacements": self.replacements,
                "response_rate": self.response_rate, "returned_share": self.returned_share}


def progress(session: Session, survey_code: str,
             scope_unit_id: int | None = None) -> tuple[list[Progress], list[Progress], Progress]:
    """Return the progress of every village with draws within the scope, of every enumerator, and in total."""
    survey = get_survey(session, survey_code)
    quota = design_of(survey).respondents.quota
    visible = visible_selections(session, survey, scope_unit_id)
    query = (select(RespondentDraw, FrameUnitRow.code, FrameUnitRow.name, User.username)
             .join(SampleSelection, RespondentDraw.selection_id == SampleSelection.id)
             .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
             .outerjoin(FieldAssignment, FieldAssignment.selection_id == SampleSelection.id)
             .outerjoin(User, FieldAssignment.enumerator_id == User.id)
             .where(SampleSelection.survey_id == survey.id)
             .order_by(FrameUnitRow.position, RespondentDraw.draw_order))
    villages: dict[str, Progress] = {}
    people: dict[str, Progress] = defaultdict(lambda: Progress(""))
    total = Progress("total")
    for draw, code, name, username in session.execute(query).all():
        if not within(visible, draw.selection_id):
            continue
        for row in (villages.setdefault(code, Progress(f"{code} {name}", username or "")),
                    people[username or ""], total):
            if code not in row.villages:
                row.villages.add(code)
                row.quota += quota
            row.add(draw)
    for username, row in people.items():
        row.label = row.enumerator = username
    return list(villages.values()), sorted(people.values(), key=lambda p: p.label), total


def completed_interviews(session: Session, survey_code: str, scope_unit_id: int | None = None) -> list[dict]:
    """Return the completed interviews within the scope (village, enumerator, draw, response) in frame order."""
    survey = get_survey(session, survey_code)
    visible = visible_selections(session, survey, scope_unit_id)
    query = (select(RespondentDraw, FrameUnitRow.code, User.username)
             .join(SampleSelection, RespondentDraw.selection_id == SampleSelection.id)
             .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
             .outerjoin(FieldAssignment, FieldAssignment.selection_id == SampleSelection.id)
             .outerjoin(User, FieldAssignment.enumerator_id == User.id)
             .where(SampleSelection.survey_id == survey.id, RespondentDraw.status == "completed")
             .order_by(FrameUnitRow.position, RespondentDraw.draw_order))
    return [{"village": code, "enumerator": username or "", "draw_order": draw.draw_order, "role": draw.role,
             "response_uuid": draw.response_uuid}
            for draw, code, username in session.execute(query).all() if within(visible, draw.selection_id)]
