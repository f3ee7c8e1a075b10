"""Read and check the dimension tree and how items feed it."""

from __future__ import annotations

from typing import Any

from survey.domain.fields import check_keys, read_code, read_labels
from survey.domain.model import AGGREGATES, Alternative, DimensionNode, Item
from survey.domain.problems import ProblemLog

NODE_KEYS = {"code", "label", "aggregate", "children", "alternatives"}
ALTERNATIVE_KEYS = {"code", "label", "aggregate", "items"}
MAX_DEPTH = 6


def read_tree(log: ProblemLog, raw: Any, items: tuple[Item, ...]) -> DimensionNode | None:
    """Return the dimension tree with each leaf's items attached, after checking it whole."""
    if not isinstance(raw, dict):
        log.add("dimensions", "the dimension tree must be a mapping with one root node")
        return None
    seen: set[str] = set()
    root = _read_node(log, raw, "dimensions", seen, depth=0)
    if root is None:
        return None
    by_code = {node.code: node for node in root.walk()}
    for item in items:
        _check_item_link(log, item, by_code)
    return _attach_items(log, root, items)


def _read_node(log, raw, where, seen, depth) -> DimensionNode | None:
    """Read one node and its subtree."""
    if not isinstance(raw, dict):
        log.add(where, "a dimension node must be a mapping")
        return None
    code = read_code(log, where, raw.get("code"))
    at = f"dimension '{code or raw.get('code')}'"
    check_keys(log, at, raw, NODE_KEYS, {"code", "label", "aggregate"})
    if code in seen:
        log.add(at, "duplicate dimension code")
    seen.add(code)
    if depth > MAX_DEPTH:
        log.add(at, f"the dimension tree is deeper than {MAX_DEPTH} levels")
        return None
    aggregate = raw.get("aggregate")
    if aggregate not in AGGREGATES:
        log.add(at, f"unknown aggregate {aggregate!r} (one of: {', '.join(AGGREGATES)})")
    raw_children = raw.get("children") or []
    if not isinstance(raw_children, list):
        log.add(at, "'children' must be a list of nodes")
        raw_children = []
    children = [
        _read_node(log, child, f"{at} child #{i + 1}", seen, depth + 1)
        for i, child in enumerate(raw_children)
    ]
    if children and aggregate == "share":
        log.add(at, "'share' applies to a leaf's items; a node with children uses mean or sum")
    alternatives = _read_alternatives(log, at, raw.get("alternatives"))
    label = read_labels(log, f"{at} label", raw.get("label"))
    if code is None or label is None or aggregate not in AGGREGATES or None in children:
        return None
    return DimensionNode(code, label, aggregate, tuple(children), (), alternatives)


def _read_alternatives(log, at, raw) -> tuple[Alternative, ...]:
    """Read declared alternative aggregations of a node."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        log.add(at, "'alternatives' must be a list")
        return ()
    result = []
    for i, entry in enumerate(raw):
        where = f"{at} alternative #{i + 1}"
        if not isinstance(entry, dict):
            log.add(where, "an alternative must be a mapping")
            continue
        check_keys(log, where, entry, ALTERNATIVE_KEYS, ALTERNATIVE_KEYS)
        code = read_code(log, where, entry.get("code"))
        label = read_labels(log, f"{where} label", entry.get("label"))
        aggregate = entry.get("aggregate")
        if aggregate not in ("share", "mean"):
            log.add(where, f"an alternative aggregates items with share or mean, not {aggregate!r}")
        items = entry.get("items")
        if not isinstance(items, list) or not items or not all(isinstance(c, str) for c in items):
            log.add(where, "'items' must be a non-empty list of item codes")
            continue
        if code and label and aggregate in ("share", "mean"):
            result.append(Alternative(code, label, aggregate, tuple(items)))
    return tuple(result)


def _check_item_link(log, item: Item, by_code: dict[str, DimensionNode]) -> None:
    """Check that a scored item feeds a leaf and an unscored one feeds nothing."""
    where = f"item '{item.code}'"
    if item.dimension is None:
        return
    node = by_code.get(item.dimension)
    if node is None:
        log.add(where, f"unknown dimension '{item.dimension}'")
    elif not node.is_leaf:
        log.add(where, f"dimension '{item.dimension}' has children; items feed leaves only")
    elif item.score is None:
        log.add(where, f"feeds dimension '{item.dimension}' but has no 'score' rule")
    elif node.aggregate == "share" and not item.score.is_binary:
        log.add(where, f"dimension '{node.code}' aggregates a share: score the item with 'satisfied'")
    elif node.aggregate != "share" and item.score.is_binary:
        log.add(
            where, f"dimension '{node.code}' aggregates '{node.aggregate}' of numeric scores; "
            "a 'satisfied' score belongs under a 'share' node"
        )


def _attach_items(log, node: DimensionNode, items) -> DimensionNode:
    """Return the tree with every leaf's item codes attached; report empty leaves."""
    if node.is_leaf:
        codes = tuple(i.code for i in items if i.dimension == node.code)
        if not codes:
            log.add(f"dimension '{node.code}'", "this dimension has no items feeding it")
        return DimensionNode(node.code, node.label, node.aggregate, (), codes, node.alternatives)
    children = tuple(_attach_items(log, c, items) for c in node.children)
    return DimensionNode(node.code, node.label, node.aggregate, children, (), node.alternatives)


def check_alternatives(log: ProblemLog, root: DimensionNode, items: dict[str, Item]) -> None:
    """Check that alternatives name existing, suitably scored items, and that every score is used."""
    named = {code for node in root.walk() for alt in node.alternatives for code in alt.items}
    for item in items.values():
        if item.score is not None and item.dimension is None and item.code not in named:
            log.add(
                f"item '{item.code}'",
                "a scored item must feed a 'dimension' leaf or be named by an alternative",
            )
    for node in root.walk():
        for alt in node.alternatives:
            for code in alt.items:
                item = items.get(code)
                where = f"dimension '{node.code}' alternative '{alt.code}'"
                if item is None:
                    log.add(where, f"unknown item '{code}'")
                elif item.score is None:
                    log.add(where, f"item '{code}' has no 'score' rule")
                elif (alt.aggregate == "share") != item.score.is_binary:
                    log.add(where, f"item '{code}' is not scored for '{alt.aggregate}'")
