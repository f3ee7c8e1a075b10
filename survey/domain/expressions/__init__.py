"""The questionnaire expression language: XLSForm-like text, a JSON syntax tree, an evaluator.

``parse`` turns text such as ``${age} >= 18 and ${used_service} = 'yes'`` into a small JSON tree,
``evaluate`` runs a tree on a response's answers, ``to_text`` writes a tree back as text.
The semantics (XPath 1.0 as ODK implements it) are documented in docs/expressions.md.
"""

from survey.domain.expressions.errors import ExpressionError
from survey.domain.expressions.evaluator import UNSET, evaluate, truthy
from survey.domain.expressions.parser import parse
from survey.domain.expressions.serializer import to_text
from survey.domain.expressions.tree import check_tree, references, uses_self

__all__ = [
    "UNSET",
    "ExpressionError",
    "check_tree",
    "evaluate",
    "parse",
    "references",
    "to_text",
    "truthy",
    "uses_self",
]
