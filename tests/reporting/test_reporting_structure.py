"""Index trees read from the bundled questionnaires give the same estimates as analysis' spec builders."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.design import Design
from analysis.indices import LinearIndex, PapiIndicator, estimate_index, papi_spec, sipas_spec
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services.reporting.structure import INDEX_KINDS, build_structure


def _questionnaire(code: str):
    """Load the bundled questionnaire ``code``."""
    return load_file(next(p for p in bundled_questionnaire_files() if p.parent.name == code))


def _ours(structure, values) -> dict:
    """Estimate every node with the coefficients built from the questionnaire."""
    spec = LinearIndex(structure.nodes, values, structure.coefficients,
                       np.zeros(len(structure.nodes)), structure.items)
    return estimate_index(Design(n=values.shape[0]), spec).nodes


@pytest.mark.parametrize("code", ["sipas", "sipas-policy"])
def test_share_indices_equal_sipas_spec(code):
    """SIPAS-style trees: every node equals sipas_spec on the same 0/1 scores (with gaps)."""
    questionnaire = _questionnaire(code)
    structure = build_structure(INDEX_KINDS[code], questionnaire)
    rng = np.random.default_rng(3)
    values = (rng.random((300, len(structure.items))) < 0.7).astype(float)
    values[rng.random(values.shape) < 0.1] = np.nan
    column = {item: values[:, j] for j, item in enumerate(structure.items)}
    elements = {leaf.code: {item: column[item] for item in leaf.items}
                for leaf in questionnaire.dimensions.walk() if leaf.is_leaf}
    reference = estimate_index(Design(n=300), sipas_spec(elements, name=structure.nodes[0])).nodes
    ours = _ours(structure, values)
    assert set(ours) == set(reference)
    for node, estimate in reference.items():
        assert ours[node].estimate == pytest.approx(estimate.estimate, rel=1e-12)
        assert ours[node].se == pytest.approx(estimate.se, rel=1e-12)


def test_papi_equals_papi_spec():
    """PAPI: stored scores are already rescaled to 1-10, so papi_spec with bounds 1 and 10 agrees."""
    questionnaire = _questionnaire("papi")
    structure = build_structure(INDEX_KINDS["papi"], questionnaire)
    rng = np.random.default_rng(5)
    values = 1 + 9 * rng.random((250, len(structure.items)))
    values[rng.random(values.shape) < 0.15] = np.nan
    column = {item: values[:, j] for j, item in enumerate(structure.items)}
    dimensions = {
        dimension.code: {
            sub.code: {item: PapiIndicator(column[item], 1.0, 10.0) for item in sub.items}
            for sub in dimension.children
        }
        for dimension in questionnaire.dimensions.children
    }
    reference = estimate_index(Design(n=250), papi_spec(dimensions, name="papi")).nodes
    ours = _ours(structure, values)
    for node, estimate in reference.items():
        mine = ours[node.split("/")[-1]]
        assert mine.estimate == pytest.approx(estimate.estimate, rel=1e-12)
        assert mine.se == pytest.approx(estimate.se, rel=1e-12)
    assert 10 <= ours["papi"].estimate <= 80


def test_kiosk_rating_is_one_share():
    """The kiosk rating index is the share of 4 and 5 on its one rated item."""
    structure = build_structure(INDEX_KINDS["kiosk"], _questionnaire("kiosk"))
    assert structure.rating_item == "overall_rating"
    assert set(structure.satisfied) == {4, 5}
    assert structure.nodes == ("kiosk",)
