"""Read the ``hailong_dimensions`` sheet (one node per row, each below its parent) into a nested tree."""

from __future__ import annotations

import json
from typing import Any

from survey.domain.problems import ProblemLog
from survey.domain.xlsform_places import Places
from survey.domain.xlsform_sheets import Sheet


def read_tree(sheet: Sheet, log: ProblemLog, places: Places) -> dict[str, Any] | None:
    """Return the root node with nested children, reporting rows that do not fit into one tree."""
    nodes: dict[str, dict[str, Any]] = {}
    root = None
    for row in sheet.rows:
        code, parent = row.text("code"), row.text("parent")
        if code is None:
            log.add(row.where, "the dimension has no code")
            continue
        if code in nodes:
            log.add(row.where, f"dimension '{code}' is listed twice")
            continue
        node = {"code": code, "label": row.labels("label") or None, "aggregate": row.text("aggregate")}
        alternatives = row.text("alternatives")
        if alternatives is not None:
            try:
                node["alternatives"] = json.loads(alternatives)
            except json.JSONDecodeError as error:
                log.add(row.where, f"alternatives of '{code}' are not valid JSON ({error.msg})")
        node = {k: v for k, v in node.items() if v is not None}
        if parent is None and root is not None:
            log.add(row.where, f"'{code}' has no parent, but '{root['code']}' is the root already: "
                               "a dimension tree has one root; fill in the parent")
            continue
        if parent is None:
            root = node
        elif parent not in nodes:
            log.add(row.where, f"parent '{parent}' of '{code}' is not listed above this row "
                               "(list every node below its parent)")
            continue
        else:
            nodes[parent].setdefault("children", []).append(node)
        nodes[code] = node
        places.nodes[code] = row
    if root is None and sheet.rows:
        log.add(f"sheet '{sheet.name}'", "no row without a parent: the root of the tree is missing")
    if not sheet.rows:
        log.add(f"sheet '{sheet.name}'", "the sheet lists no dimensions")
    return root
