"""Value objects of a questionnaire version: labels, choices, items, sections and the dimension tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterator, Mapping

ITEM_TYPES = ("likert5", "choice", "multi_choice", "yes_no", "integer", "decimal", "text", "date")
CHOICE_TYPES = ("likert5", "choice", "multi_choice")
NUMERIC_TYPES = ("integer", "decimal")
FAMILIES = ("sipas", "papi", "custom")
AGGREGATES = ("share", "mean", "mean_over_siblings", "sum")
ROLES = (
    "indicator", "assessment", "satisfaction", "expectation", "background", "comment", "contact",
)
YES_NO_VALUES = ("yes", "no")


@dataclass(frozen=True)
class Labels:
    """Texts of one label in several languages; Vietnamese is always present."""

    texts: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "texts", MappingProxyType(dict(self.texts)))

    def get(self, language: str = "vi") -> str:
        """Return the text in ``language``, falling back to Vietnamese."""
        return self.texts.get(language) or self.texts["vi"]

    def to_document(self) -> dict[str, str]:
        """Return the JSON-ready mapping."""
        return dict(sorted(self.texts.items()))


@dataclass(frozen=True)
class Choice:
    """One answer option of a choice list."""

    value: int | str
    label: Labels


@dataclass(frozen=True)
class Expression:
    """An expression's source text and its compiled JSON syntax tree."""

    text: str
    tree: Mapping[str, Any]


@dataclass(frozen=True)
class Score:
    """How an item's answer becomes a number for the indices.

    ``satisfied`` gives a binary score (1 when the answer is listed). Otherwise the answer (or
    ``values[answer]``) is optionally reverse-coded within ``rescale`` and rescaled to 1..10.
    """

    satisfied: tuple[int | str, ...] | None = None
    values: Mapping[str, float] | None = None
    rescale: tuple[float, float] | None = None
    reverse: bool = False

    @property
    def is_binary(self) -> bool:
        """Whether the score is a 0/1 'satisfied' indicator."""
        return self.satisfied is not None

    def apply(self, answer: Any) -> float | None:
        """Return the score of one answer, or None when the answer cannot be scored."""
        if answer is None:
            return None
        if self.satisfied is not None:
            return 1.0 if answer in self.satisfied else 0.0
        x = self.values.get(str(answer)) if self.values is not None else answer
        if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
            return None
        if self.rescale is None:
            return float(x)
        low, high = self.rescale
        if self.reverse:
            x = low + high - x
        return 1.0 + 9.0 * (x - low) / (high - low)


@dataclass(frozen=True)
class Item:
    """One question."""

    code: str
    type: str
    label: Labels
    section: str
    hint: Labels | None = None
    choices: tuple[Choice, ...] = ()
    choice_list: str | None = None
    required: bool = False
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: Labels | None = None
    min: float | None = None
    max: float | None = None
    dimension: str | None = None
    score: Score | None = None
    role: str | None = None
    pii: bool = False

    def choice_values(self) -> tuple[int | str, ...]:
        """Return the allowed answer values of a choice item (yes/no for yes_no)."""
        if self.type == "yes_no":
            return YES_NO_VALUES
        return tuple(c.value for c in self.choices)


@dataclass(frozen=True)
class Section:
    """A group of items shown together."""

    code: str
    label: Labels
    items: tuple[Item, ...]
    hint: Labels | None = None


@dataclass(frozen=True)
class Alternative:
    """A declared alternative aggregation of the index (e.g. the overall satisfaction item)."""

    code: str
    label: Labels
    aggregate: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class DimensionNode:
    """A node of the dimension tree: index, dimension/aspect, element/sub-dimension."""

    code: str
    label: Labels
    aggregate: str
    children: tuple[DimensionNode, ...] = ()
    items: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()

    @property
    def is_leaf(self) -> bool:
        """Whether the node has no child nodes."""
        return not self.children

    def walk(self) -> Iterator[DimensionNode]:
        """Yield this node and its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Questionnaire:
    """One version of a questionnaire, validated."""

    code: str
    version: str
    title: Labels
    family: str
    sections: tuple[Section, ...]
    dimensions: DimensionNode | None
    choice_lists: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    source: Labels | None = None
    description: Labels | None = None
    effective_date: str | None = None
    default_language: str = "vi"
    languages: tuple[str, ...] = ("vi", "en")

    @property
    def items(self) -> tuple[Item, ...]:
        """Return all items in the order respondents see them."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, code: str) -> Item:
        """Return the item with ``code`` (KeyError if there is none)."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def node(self, code: str) -> DimensionNode:
        """Return the dimension node with ``code`` (KeyError if there is none)."""
        for node in self.dimensions.walk() if self.dimensions is not None else ():
            if node.code == code:
                return node
        raise KeyError(code)
