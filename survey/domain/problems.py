"""Validation problems of a questionnaire definition, collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition: where it is and what is wrong."""

    source: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.location}: {self.message}" if self.location else f"{where}{self.message}"


class QuestionnaireError(ValueError):
    """A questionnaire definition is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


class ProblemLog:
    """Collect problems found while reading one source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, location: str, message: str) -> None:
        """Record a problem at ``location``."""
        self.problems.append(Problem(self.source, location, message))

    def raise_if_any(self) -> None:
        """Raise QuestionnaireError when anything was recorded."""
        if self.problems:
            raise QuestionnaireError(self.problems)
