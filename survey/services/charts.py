"""Charts for analysts and reports: matplotlib's Figure API only (no pyplot), Agg, Noto Sans.

Every chart draws confidence intervals as error bars, uses the Okabe-Ito colour-blind-safe palette
(or the cividis colour map for heatmaps) and renders Vietnamese text with the bundled Noto Sans font,
registered with matplotlib's font manager on first use. Suppressed estimates are drawn as an empty
slot with a dash, never as a value.

Reference: Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import as_file, files

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
FONT_FAMILY = ["Noto Sans", "Noto Sans Math"]
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSansMath-Operators.ttf")
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Bar:
    """One estimate to draw: label, value and interval on the display scale (None when suppressed)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


@lru_cache(maxsize=1)
def register_fonts() -> list[str]:
    """Register the bundled Noto Sans files with matplotlib's font manager; return the families."""
    for name in FONT_FILES:
        with as_file(files("survey") / "static" / "fonts" / name) as path:
            font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def _figure(width: float, height: float) -> Figure:
    """Return a new figure with an Agg canvas."""
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style(axes, title: str) -> None:
    """Apply the bundled font and a quiet frame to ``axes``."""
    family = register_fonts()
    axes.set_title(title, fontfamily=family, fontsize=11, loc="left")
    axes.tick_params(labelfontfamily=family, labelsize=9)
    axes.xaxis.label.set_fontfamily(family)
    axes.yaxis.label.set_fontfamily(family)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def bar_chart(bars: list[Bar], title: str, axis_label: str, *, target: float | None = None,
              limits: tuple[float, float] | None = (0.0, 100.0)) -> Figure:
    """Draw horizontal bars with 95 % interval error bars; a dashed line marks a target."""
    figure = _figure(7.0, max(1.6, 0.42 * len(bars) + 1.0))
    axes = figure.add_subplot()
    positions = list(range(len(bars)))[::-1]
    for position, bar, colour in zip(positions, bars, _cycle(len(bars))):
        if not _finite(bar.value):
            axes.text(0.01, position, "— (ẩn / suppressed)", transform=axes.get_yaxis_transform(), va="center",
                      fontfamily=register_fonts())
            continue
        axes.barh(position, bar.value, color=colour, height=0.6)
        if _finite(bar.low) and _finite(bar.high):
            axes.errorbar(bar.value, position, xerr=[[bar.value - bar.low], [bar.high - bar.value]],
                          fmt="none", ecolor="#000000", capsize=3, linewidth=1)
    axes.set_yticks(positions, [bar.label for bar in bars])
    if target is not None:
        axes.axvline(target, color=OKABE_ITO[3], linestyle="--", linewidth=1.2)
    if limits is not None:
        axes.set_xlim(*limits)
    axes.set_xlabel(axis_label)
    _style(axes, title)
    return figure


def trend_chart(points: list[Bar], title: str, axis_label: str) -> Figure:
    """Draw estimates over periods as points joined by a line, with interval error bars."""
    figure = _figure(7.0, 3.2)
    axes = figure.add_subplot()
    xs = [i for i, point in enumerate(points) if _finite(point.value)]
    values = [points[i].value for i in xs]
    axes.plot(xs, values, color=OKABE_ITO[0], marker="o")
    lows = [points[i].value - points[i].low if _finite(points[i].low) else 0 for i in xs]
    highs = [points[i].high - points[i].value if _finite(points[i].high) else 0 for i in xs]
    axes.errorbar(xs, values, yerr=[lows, highs], fmt="none", ecolor=OKABE_ITO[0], capsize=4)
    axes.set_xticks(range(len(points)), [point.label for point in points])
    axes.set_xlim(-0.5, len(points) - 0.5)
    axes.set_ylabel(axis_label)
    _style(axes, title)
    return figure


def heatmap_chart(rows: list[str], columns: list[str], values: list[list[float | None]],
                  title: str) -> Figure:
    """Draw a dimension x unit heatmap (cividis); suppressed cells are white with a dash."""
    figure = _figure(max(5.0, 1.1 * len(columns) + 3.0), max(2.0, 0.45 * len(rows) + 1.5))
    axes = figure.add_subplot()
    grid = [[v if _finite(v) else math.nan for v in row] for row in values]
    image = axes.imshow(grid, cmap="cividis", vmin=0, vmax=100, aspect="auto")
    family = register_fonts()
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            text = "—" if math.isnan(value) else f"{value:.0f}"
            colour = "#000000" if math.isnan(value) or value > 60 else "#ffffff"
            axes.text(j, i, text, ha="center", va="center", fontsize=8, color=colour, fontfamily=family)
    axes.set_xticks(range(len(columns)), columns, rotation=30, ha="right")
    axes.set_yticks(range(len(rows)), rows)
    colorbar = figure.colorbar(image, ax=axes, shrink=0.8)
    colorbar.ax.tick_params(labelfontfamily=family, labelsize=8)
    _style(axes, title)
    return figure


def render(figure: Figure, fmt: str) -> bytes:
    """Return the figure as PNG or SVG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else 100,
                   metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def _cycle(count: int) -> list[str]:
    """Return the first palette colour for every bar: one series, one colour."""
    return [OKABE_ITO[0]] * count
