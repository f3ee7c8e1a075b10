"""Fuzz the questionnaire loader: random YAML documents and mutations of the bundled questionnaires.

Definitions are mutated as parsed YAML and given to the schema; texts are edited and given to the
YAML reader and the schema. Every input is either a questionnaire (whose canonical document
rebuilds the same questionnaire) or a QuestionnaireError whose every problem names the file, and
names a place in it (a line, a key or an item) unless the problem is about the whole file; never
another exception.
"""

from __future__ import annotations

import copy
import datetime as dt

import yaml
from fuzz_oracle import OUTCOMES
from fuzz_world import BUNDLED, MINI
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from survey.domain.document import from_document, to_document
from survey.domain.loader import load_text, parse_yaml
from survey.domain.problems import QuestionnaireError
from survey.domain.schema import build_questionnaire

SOURCE = "fuzz/2026.1.yaml"
# PAPI has thousands of nodes (12 ms a build): mutate the small forms more often.
MUTATED_BASES = st.sampled_from(["mini", "mini", "kiosk", "kiosk", "backcheck", "backcheck", "sipas", "sipas-policy",
                                 "papi"])
BASES = {path.parent.name: parse_yaml(path.read_text(encoding="utf-8")) for path in
         [*sorted(BUNDLED.glob("*/2026.1.yaml")), MINI]}
TEXTS = {name: yaml.safe_dump(base, allow_unicode=True, sort_keys=False) for name, base in BASES.items()}
FUZZ = {"suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], "deadline": None}
EXAMPLES = {"random": 2500, "mutated": 5000, "text": 2500}
WHOLE_FILE = ("a questionnaire definition must be a mapping at the top level", "the definition is nested too deeply",
              "YAML syntax error")
EXPRESSIONS = st.text("${}()<>=!'. -+*/andortuefalsmdivcount_selected0123456789abc,", max_size=30)
YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.dates(),
    st.sampled_from(["yes", "no", "2026.1", "likert5", "multi_choice", "sipas", "vi", "en", "${x} > 1"]),
    EXPRESSIONS,
)
YAML_VALUES = st.recursive(YAML_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=4)),
    max_leaves=10)


def paths(node, prefix=()):
    """Yield the path (keys and indexes) of every node of a parsed definition."""
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from paths(child, (*prefix, key))


def mutate(document, path: tuple, how: str, junk, new_key):
    """Change the node at ``path``: drop it, replace it, duplicate it, or add a key beside it."""
    if not path:
        return junk if how == "replace" else document
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "drop":
        del parent[last]
    elif how == "replace":
        parent[last] = junk
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(parent[last]))
    elif isinstance(parent, dict):
        parent[new_key] = junk
    return document


@st.composite
def mutated_definitions(draw):
    """Draw a bundled definition changed in one to four places."""
    document = copy.deepcopy(BASES[draw(MUTATED_BASES)])
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(list(paths(document))))
        how = draw(st.sampled_from(["drop", "replace", "replace", "duplicate", "add"]))
        junk = draw(st.one_of(YAML_VALUES, EXPRESSIONS))
        document = mutate(document, where, how, junk, draw(st.one_of(st.text(max_size=8), st.sampled_from(
            ["relevant", "constraint", "pii", "required", "min", "max", "choices", "score", "code"]))))
    return document


def check(load, surface: str) -> None:
    """Call ``load``: a questionnaire that survives its canonical document, or a clear error."""
    try:
        questionnaire = load()
    except QuestionnaireError as error:
        OUTCOMES[surface, "domain", "QuestionnaireError"] += 1
        assert error.problems
        for problem in error.problems:
            assert problem.source == SOURCE and problem.message.strip()
            assert problem.location or problem.message.startswith(WHOLE_FILE), problem
        assert SOURCE in str(error)
        return
    OUTCOMES[surface, "domain", "loaded"] += 1
    assert from_document(to_document(questionnaire)) == questionnaire


@settings(max_examples=EXAMPLES["mutated"], **FUZZ)
@given(mutated_definitions())
def test_fuzz_mutated_bundled_questionnaires(document):
    # The parsed definition goes to the schema directly: PyYAML takes 10-250 ms a file, the schema 1-12 ms.
    check(lambda: build_questionnaire(document, SOURCE), "loader mutated")


@settings(max_examples=EXAMPLES["random"], **FUZZ)
@given(st.one_of(YAML_VALUES, st.dictionaries(st.sampled_from(
    ["code", "version", "title", "family", "sections", "dimensions", "choice_lists", "effective_date", "x"]),
    YAML_VALUES)))
def test_fuzz_random_yaml_documents(document):
    check(lambda: load_text(yaml.safe_dump(document, allow_unicode=True), SOURCE), "loader random")


@settings(max_examples=EXAMPLES["text"], **FUZZ)
@given(st.sampled_from(["mini", "kiosk", "backcheck"]), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 8), st.one_of(
    st.text(max_size=6), st.sampled_from(["\t", ": ", "- ", "&a ", "*a", "!!python/object ", "{", "[", "'", "\"",
                                          "\n  ", "\x00", "\ufeff", "? ", "|", ">", "#", "%YAML 1.1\n"]))),
    min_size=1, max_size=4))
@example("kiosk", [(0, 0, "[" * 3000)])
@example("mini", [(0, 10**6, "")])
@example("papi", [(5000, 1, "\t")])
def test_fuzz_text_edits(name, edits):
    text = TEXTS[name]
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut:]
    check(lambda: load_text(text, SOURCE), "loader text")


def test_the_unchanged_bundled_questionnaires_load():
    for text in TEXTS.values():
        assert load_text(text, SOURCE).version == "2026.1"
    assert isinstance(BASES["mini"]["effective_date"], dt.date)
