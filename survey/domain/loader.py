"""Load questionnaire definitions from YAML files, strictly.

The YAML reader here differs from PyYAML's default in two ways that matter for survey forms:
``yes``/``no``/``on``/``off`` stay strings (only ``true``/``false`` are booleans), so a yes/no item's
answer codes are not silently turned into booleans; and a key repeated in one mapping is an error
instead of the last one silently winning.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from survey.domain.model import Questionnaire
from survey.domain.problems import Problem, QuestionnaireError
from survey.domain.schema import build_questionnaire


class StrictLoader(yaml.SafeLoader):
    """A safe YAML loader with YAML 1.2 booleans and no duplicate keys."""

    def construct_mapping(self, node, deep=False):
        """Build a mapping, refusing keys that appear twice."""
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):  # a "? {...}" complex key
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r}", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str, source: str = "") -> Any:
    """Parse YAML text strictly; raise QuestionnaireError with the line of a syntax error."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise QuestionnaireError([Problem(source, where, f"YAML syntax error: {problem}")]) from None


def load_text(text: str, source: str = "") -> Questionnaire:
    """Return the questionnaire defined by YAML ``text``."""
    try:
        return build_questionnaire(parse_yaml(text, source), source)
    except RecursionError:
        # Thousands of nested brackets exhaust the recursion of PyYAML or of the schema's tree walk.
        raise QuestionnaireError([Problem(source, "", "the definition is nested too deeply")]) from None


def load_file(path: str | Path) -> Questionnaire:
    """Return the questionnaire in ``path``; its name must be ``<code>/<version>.yaml``."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireError([Problem(source, "", f"cannot read file: {error}")]) from None
    questionnaire = load_text(text, source)
    _check_file_name(path, questionnaire)
    return questionnaire


def _check_file_name(path: Path, questionnaire: Questionnaire) -> None:
    """Check that the file sits at <code>/<version>.yaml, so files and versions cannot drift apart."""
    problems = []
    if path.stem != questionnaire.version:
        problems.append(f"file name '{path.name}' does not match version '{questionnaire.version}'")
    if path.parent.name != questionnaire.code:
        problems.append(f"folder '{path.parent.name}' does not match code '{questionnaire.code}'")
    if problems:
        raise QuestionnaireError([Problem(str(path), "", message) for message in problems])


def main(argv: list[str] | None = None) -> int:
    """Validate the files named on the command line; print problems; return an exit code."""
    status = 0
    for name in argv if argv is not None else sys.argv[1:]:
        try:
            q = load_file(name)
        except QuestionnaireError as error:
            print(error, file=sys.stderr)
            status = 1
        else:
            print(f"{name}: ok ({q.code} {q.version}, {len(q.items)} items)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
