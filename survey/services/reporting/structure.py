"""The indices analysts choose from, and each index's tree as coefficients over its items.

Every node of a SIPAS- or PAPI-style tree is a linear combination of the mean scores of its items
(analysis/indices.py): a ``share`` leaf is 100 times the mean of its 0/1 items, a ``mean`` leaf the mean
of its items, a ``mean_over_siblings`` leaf that mean divided by the number of sub-dimensions of its
dimension, and inner nodes the ``mean`` or ``sum`` of their children. Item scores are stored already
rescaled (Answer.score), so no constant term is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from survey.domain.model import DimensionNode, Questionnaire
from survey.services import questionnaires


@dataclass(frozen=True)
class IndexKind:
    """An index analysts can pick: its questionnaire and how its estimates are computed."""

    code: str
    questionnaire: str
    name_vi: str
    name_en: str
    #: True for the kiosk rating: share satisfied from counts per rating (Wilson).
    rating: bool
    #: Multiply estimates by this to show them (shares are fractions, indices already percents).
    display_scale: float = 1.0
    decimals: int = 1

    def name(self, language: str = "vi") -> str:
        """Return the index's name in ``language``."""
        return self.name_vi if language == "vi" else self.name_en


INDEX_KINDS = {
    kind.code: kind
    for kind in (
        IndexKind("kiosk", "kiosk", "Tỷ lệ hài lòng tại quầy (thiết bị, QR)",
                  "Share satisfied at the counter (kiosk, QR)", True, 100.0),
        IndexKind("sipas", "sipas", "Chỉ số SIPAS (hài lòng về sự phục vụ hành chính)",
                  "SIPAS (satisfaction with administrative services)", False),
        IndexKind("sipas-policy", "sipas-policy", "Chỉ số hài lòng về chính sách",
                  "Satisfaction with policies", False),
        IndexKind("papi", "papi", "Chỉ số PAPI (quản trị và hành chính công cấp tỉnh)",
                  "PAPI (governance and public administration)", False, 1.0, 2),
    )
}


class NoQuestionnaire(LookupError):
    """The index's questionnaire has no published version yet."""


@dataclass(frozen=True)
class IndexStructure:
    """An index tree as a (nodes x items) coefficient matrix, with labels and depths for display."""

    kind: IndexKind
    nodes: tuple[str, ...]
    labels: dict[str, tuple[str, str]]
    depths: dict[str, int]
    items: tuple[str, ...]
    coefficients: np.ndarray
    #: For the kiosk rating: the rated item and the answers that count as satisfied.
    rating_item: str | None = None
    satisfied: tuple = ()

    def label(self, node: str, language: str = "vi") -> str:
        """Return a node's label in ``language``."""
        vi, en = self.labels[node]
        return vi if language == "vi" or not en else en


def load_structure(session: Session, index: str) -> IndexStructure:
    """Return the structure of ``index`` from the newest published version of its questionnaire."""
    kind = INDEX_KINDS[index]
    try:
        _, questionnaire = questionnaires.get(session, kind.questionnaire)
    except LookupError as error:
        raise NoQuestionnaire(str(error)) from error
    return build_structure(kind, questionnaire)


def build_structure(kind: IndexKind, questionnaire: Questionnaire) -> IndexStructure:
    """Turn the questionnaire's dimension tree into coefficients over its scored items."""
    if questionnaire.dimensions is None:
        raise NoQuestionnaire(f"questionnaire {questionnaire.code!r} has no index tree")
    root = questionnaire.dimensions
    items = tuple(code for node in root.walk() if node.is_leaf for code in node.items)
    column = {code: position for position, code in enumerate(items)}
    vectors: dict[str, np.ndarray] = {}
    depths: dict[str, int] = {}
    _fill(root, 1, column, vectors, depths, 0)
    nodes = tuple(vectors)
    labels = {node.code: (node.label.get("vi"), node.label.get("en")) for node in root.walk()}
    rating_item, satisfied = None, ()
    if kind.rating:
        # A rating index is one share (the rated item): only its overall node is estimated.
        rating_item = items[0]
        satisfied = tuple(questionnaire.item(rating_item).score.satisfied)
        nodes = nodes[:1]
    return IndexStructure(kind, nodes, labels, depths, items,
                          np.vstack([vectors[node] for node in nodes]), rating_item, satisfied)


def _fill(node: DimensionNode, siblings: int, column: dict, vectors: dict, depths: dict,
          depth: int) -> np.ndarray:
    """Compute the coefficient vector of ``node`` (and its descendants, depth first)."""
    vector = np.zeros(len(column))
    depths[node.code] = depth
    vectors[node.code] = vector
    if node.is_leaf:
        for code in node.items:
            vector[column[code]] = 1.0 / len(node.items)
        factor = {"share": 100.0, "mean_over_siblings": 1.0 / siblings,
                  "sum": float(len(node.items))}.get(node.aggregate, 1.0)
        vector *= factor
        return vector
    children = [_fill(child, len(node.children), column, vectors, depths, depth + 1)
                for child in node.children]
    total = np.sum(children, axis=0)
    if node.aggregate == "mean":
        total = total / len(children)
    elif node.aggregate == "mean_over_siblings":
        total = total / len(children) / siblings
    vector += total
    return vector


def alternative_structure(session: Session, index: str, code: str) -> IndexStructure:
    """Return a declared alternative of an index (e.g. SIPAS 'overall_item') as a one-node structure."""
    kind = INDEX_KINDS[index]
    try:
        _, questionnaire = questionnaires.get(session, kind.questionnaire)
    except LookupError as error:
        raise NoQuestionnaire(str(error)) from error
    for node in questionnaire.dimensions.walk() if questionnaire.dimensions else ():
        for alternative in node.alternatives:
            if alternative.code == code:
                items = alternative.items
                factor = 100.0 if alternative.aggregate == "share" else 1.0
                coefficients = np.full((1, len(items)), factor / len(items))
                labels = {code: (alternative.label.get("vi"), alternative.label.get("en"))}
                return IndexStructure(kind, (code,), labels, {code: 0}, tuple(items), coefficients)
    raise NoQuestionnaire(f"{index} declares no alternative {code!r}")
