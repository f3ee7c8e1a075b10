"""Read the numbers analyst pages print into their data attributes, and their forms' CSRF tokens."""

from __future__ import annotations

import re

from lxml import html

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/auth/login") -> str:
    """Return the CSRF token of a form on ``path``."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def cells(page: str, node: str) -> dict[str, dict]:
    """Return {row key: {'value', 'low', 'high', 'n', 'text'}} of a results table for ``node``."""
    tree = html.fromstring(page)
    found = {}
    for row in tree.xpath("//table[contains(@class, 'results')]/tbody/tr[@data-key]"):
        cell = row.xpath(f".//td[@data-node='{node}']")[0]
        n_cell = row.xpath(".//td[@data-n]")[0]
        found[row.get("data-key")] = {
            "value": float(cell.get("data-value")) if cell.get("data-value") else None,
            "low": float(cell.get("data-low")) if cell.get("data-low") else None,
            "high": float(cell.get("data-high")) if cell.get("data-high") else None,
            "n": int(n_cell.get("data-n")),
            "text": cell.text_content().strip(),
        }
    return found


def rows(page: str, selector: str) -> list:
    """Return the elements matching an XPath expression."""
    return html.fromstring(page).xpath(selector)
