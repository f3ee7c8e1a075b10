"""Point the schema's problems (item, section, choice list, dimension) at the workbook rows they came from."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from survey.domain.problems import Problem
from survey.domain.xlsform_format import CHOICES, DIMENSIONS, SETTINGS, SURVEY
from survey.domain.xlsform_sheets import Row

TOP_LEVEL = re.compile(
    r"^(code|version|title|family|languages|default_language|source|description|effective_date|"
    r"questionnaire)\b"
)


@dataclass
class Places:
    """Where each part of an imported definition sits in the workbook."""

    items: dict[str, Row] = field(default_factory=dict)
    sections: dict[str, Row] = field(default_factory=dict)
    section_starts: list[Row] = field(default_factory=list)
    section_items: dict[str, list[Row]] = field(default_factory=dict)
    lists: dict[str, list[Row]] = field(default_factory=dict)
    nodes: dict[str, Row] = field(default_factory=dict)

    def locate(self, problem: Problem) -> Problem:
        """Return the problem with the sheet and row of its location in front, when known."""
        for pattern, find in self._rules():
            match = pattern.match(problem.location)
            if match:
                where = find(match)
                if where is not None:
                    return Problem(problem.source, f"{where}, {problem.location}", problem.message)
        return problem

    def _rules(self) -> list[tuple[re.Pattern, Callable[[re.Match], str | None]]]:
        """Return (location pattern, finder of the row) pairs, most specific first."""
        return [
            (re.compile(r"^item '([^']*)'"), lambda m: _where(self.items.get(m[1]))),
            (re.compile(r"^section '([^']*)' item #(\d+)"),
             lambda m: _where(_nth(self.section_items.get(m[1], []), int(m[2])))),
            (re.compile(r"^section '([^']*)'"), lambda m: _where(self.sections.get(m[1]))),
            (re.compile(r"^section #(\d+)"), lambda m: _where(_nth(self.section_starts, int(m[1])))),
            (re.compile(r"^choice list '([^']*)'\[(\d+)\]"),
             lambda m: _where(_nth(self.lists.get(m[1], []), int(m[2]) + 1))),
            (re.compile(r"^choice list ['\"](.*)['\"]"),
             lambda m: _where(_nth(self.lists.get(m[1], []), 1))),
            (re.compile(r"^dimension '([^']*)'"), lambda m: _where(self.nodes.get(m[1]))),
            (re.compile(r"^dimensions\b"), lambda m: f"sheet '{DIMENSIONS}'"),
            (re.compile(r"^sections\b"), lambda m: f"sheet '{SURVEY}'"),
            (re.compile(r"^choice_lists\b"), lambda m: f"sheet '{CHOICES}'"),
            (TOP_LEVEL, lambda m: f"sheet '{SETTINGS}'"),
        ]


def _nth(rows: list[Row], n: int) -> Row | None:
    """Return the n-th row (1-based), or None."""
    return rows[n - 1] if 0 < n <= len(rows) else None


def _where(row: Row | None) -> str | None:
    """Return the location of a row, or None."""
    return None if row is None else row.where
