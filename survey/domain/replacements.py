"""When a replacement respondent may be visited: one replacement for each person who could not be.

A village's draw lists the main sample (the first ``quota`` people, visited in any order) and then
the replacements in the order they must be used. Each refusal, no contact or ineligible person,
main or replacement, releases the next replacement in draw order, and only released replacements
may be interviewed. So an enumerator cannot choose whom to replace a refusal with (which would
make the sample theirs, not random), completed interviews never exceed the quota, and the base
weight's "people issued" (the main sample plus the replacements used) is what the rule says.
The tablet applies the same rule (survey/static/interview/interview.js) and the server checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

NOT_INTERVIEWED = frozenset({"refused", "noncontact", "ineligible"})


@dataclass(frozen=True)
class DrawnPerson:
    """One drawn person of a village: draw order, role (main or replacement) and visit status."""

    order: int
    role: str
    status: str


def released_replacements(people: Iterable[DrawnPerson]) -> frozenset[int]:
    """Return the draw orders of the replacements that may be visited now."""
    people = list(people)
    failures = sum(person.status in NOT_INTERVIEWED for person in people)
    spares = sorted(person.order for person in people if person.role == "replacement")
    return frozenset(spares[:failures])


def may_visit(people: Iterable[DrawnPerson], order: int) -> bool:
    """Whether the person at draw ``order`` may be visited: a main respondent or a released replacement."""
    people = list(people)
    person = next((p for p in people if p.order == order), None)
    return person is not None and (person.role == "main" or order in released_replacements(people))
