"""Charts of reporting results: the drill-down bars, the trend and the dimension x unit heatmap."""

from __future__ import annotations

from matplotlib.figure import Figure

from survey.services.charts import Bar, bar_chart, heatmap_chart, trend_chart
from survey.services.reporting.cells import Cell
from survey.services.reporting.tables import Table
from survey.services.reporting.trends import TrendPoint


def _bar(label: str, cell: Cell | None) -> Bar:
    """Return a bar for a cell; suppressed or missing cells have no value."""
    if cell is None or cell.suppressed:
        return Bar(label, None)
    return Bar(label, cell.value, cell.low, cell.high)


def _axis(table_kind) -> tuple[str, tuple[float, float] | None]:
    """Return the value axis label and limits of an index."""
    if table_kind.code == "papi":
        return "Điểm PAPI / PAPI score", None
    if table_kind.rating:
        return "Tỷ lệ hài lòng (%) / share satisfied (%)", (0.0, 100.0)
    return "Chỉ số (0–100) / index (0-100)", (0.0, 100.0)


def table_figure(table: Table, target: float | None = None) -> Figure:
    """Draw the overall node of every row of a drill-down table, the total first."""
    root = table.structure.nodes[0]
    bars = [_bar(f"{table.unit.name_vi} (chung / all)", table.total.cells.get(root))]
    bars += [_bar(row.label[:48], row.cells.get(root)) for row in table.rows]
    label, limits = _axis(table.structure.kind)
    title = f"{table.structure.kind.name_vi}\n{table.unit.name_vi}, {table.filters.window.label('vi')}"
    return bar_chart(bars, title, label, target=target, limits=limits)


def trend_figure(points: list[TrendPoint], kind, unit_name: str) -> Figure:
    """Draw the trend of the overall node with its intervals."""
    bars = [_bar(point.window.label("vi"), point.cell) for point in points]
    label, _ = _axis(kind)
    return trend_chart(bars, f"{kind.name_vi}\n{unit_name}", label)


def heatmap_figure(table: Table) -> Figure:
    """Draw every non-root node of the index (rows) for every child unit or service (columns)."""
    structure = table.structure
    nodes = [node for node in structure.nodes[1:]] or list(structure.nodes)
    columns = [row.label[:28] for row in table.rows]
    values = []
    for node in nodes:
        line = []
        for row in table.rows:
            cell = row.cells.get(node)
            line.append(None if cell is None or cell.suppressed else cell.value)
        values.append(line)
    rows = [structure.label(node)[:40] for node in nodes]
    title = f"{structure.kind.name_vi}\n{table.unit.name_vi}, {table.filters.window.label('vi')}"
    return heatmap_chart(rows, columns, values, title)
