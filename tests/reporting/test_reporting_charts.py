"""Charts: Figure API without pyplot, bundled Vietnamese font, intervals drawn, PNG and SVG."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

from matplotlib import font_manager
from matplotlib.collections import LineCollection
from matplotlib.image import imread
from matplotlib.patches import Rectangle

from survey.services.charts import (
    OKABE_ITO,
    Bar,
    bar_chart,
    heatmap_chart,
    register_fonts,
    render,
    trend_chart,
)

FONTS = Path(__file__).parents[2] / "survey" / "static" / "fonts"
VIETNAMESE = "Thủ tục hành chính ở Phường Đông Hòa: ắ ằ ẳ ẵ ặ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ đ"


def test_bundled_font_has_every_vietnamese_letter():
    """Noto Sans covers every precomposed Vietnamese letter, lower and upper case."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(str(FONTS / "NotoSans-Regular.ttf")).get_charmap()
    letters = {ch for ch in VIETNAMESE + VIETNAMESE.upper() if not ch.isspace()}
    assert all(ord(ch) in charmap for ch in letters)
    operators = FT2Font(str(FONTS / "NotoSansMath-Operators.ttf")).get_charmap()
    assert all(ord(ch) in operators for ch in "≥≤−")
    assert (FONTS / "OFL.txt").read_text().count("SIL Open Font License") >= 1


def test_fonts_are_registered_from_the_package():
    """The font manager knows the bundled files and resolves the family to them."""
    register_fonts()
    bundled = {str(path.resolve()) for path in FONTS.glob("*.ttf")}
    known = {str(Path(entry.fname).resolve()) for entry in font_manager.fontManager.ttflist}
    assert bundled <= known


def test_bars_draw_intervals_and_skip_suppressed_values():
    """Each shown estimate is one bar with an error bar; a suppressed one has neither."""
    figure = bar_chart([Bar("Xã An Bình", 92.9, 89.6, 95.3), Bar("Phường Đông Hòa", 54.8, 49.5, 60.1),
                        Bar("Xã Ít Phiếu", None)], VIETNAMESE, "%", target=85)
    axes = figure.axes[0]
    bars = [p for p in axes.patches if isinstance(p, Rectangle)]
    assert sorted(round(p.get_width(), 1) for p in bars) == [54.8, 92.9]
    segments = [c for c in axes.collections if isinstance(c, LineCollection)]
    widths = sorted(round(abs(s[1][0] - s[0][0]), 1) for c in segments for s in c.get_segments())
    assert widths == [5.7, 10.6]
    assert {p.get_facecolor()[:3] for p in bars} == {tuple(int(OKABE_ITO[0][i:i + 2], 16) / 255 for i in (1, 3, 5))}
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == ["Xã An Bình", "Phường Đông Hòa", "Xã Ít Phiếu"]
    assert any("ẩn / suppressed" in t.get_text() for t in axes.texts)


def test_png_and_svg_output():
    """PNG decodes to an image; SVG is well-formed XML with the glyphs drawn."""
    figure = trend_chart([Bar("Quý 4/2025", 71.2, 67.7, 74.5), Bar("Quý 1/2026", 73.5, 70.0, 76.7)],
                         "Xu hướng", "%")
    png = render(figure, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and imread(BytesIO(png)).shape[0] > 100
    svg = render(figure, "svg")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    heat = render(heatmap_chart(["Tiếp cận"], ["Xã An Bình", "Xã Ít Phiếu"], [[74.0, None]], "Bản đồ"), "png")
    assert heat[:4] == b"\x89PNG"


def test_charts_never_load_pyplot():
    """Rendering a chart in a fresh interpreter leaves matplotlib.pyplot unimported."""
    code = (
        "import sys\n"
        "from survey.services.charts import Bar, bar_chart, render\n"
        "render(bar_chart([Bar('Xã', 50, 40, 60)], 'Tiêu đề', '%'), 'png')\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
