"""Render a Jinja template to PDF with WeasyPrint, embedding the bundled Noto Sans font.

One PDF library for every printed document (reports, QR receipt sheets, counter posters): see
docs/decisions.md. Templates extend ``pdf/base.html``, which declares the font faces from the
``fonts`` context variable this module supplies, so the PDF never depends on the fonts installed on
the server and every Vietnamese glyph is embedded.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from survey.resources import templates_folder


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """Return the Jinja environment over the bundled templates (HTML autoescaped)."""
    return Environment(loader=FileSystemLoader(templates_folder()),
                       autoescape=select_autoescape(["html"]))


def font_files() -> dict[str, str]:
    """Return file URIs of the bundled Noto Sans (regular, bold) and its math operators."""
    found = {}
    for weight, name in (("regular", "NotoSans-Regular.ttf"), ("bold", "NotoSans-Bold.ttf"),
                         ("math", "NotoSansMath-Operators.ttf")):
        with as_file(files("survey") / "static" / "fonts" / name) as path:
            found[weight] = Path(path).resolve().as_uri()
    return found


def render(template: str, context: dict) -> bytes:
    """Render ``template`` (a path under templates/) with ``context`` and return the PDF bytes."""
    from weasyprint import HTML  # imported on use: loading pango takes a moment

    html = _environment().get_template(template).render(**context, fonts=font_files())
    return HTML(string=html, base_url=templates_folder()).write_pdf()
