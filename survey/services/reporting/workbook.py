"""The report as an XLSX workbook: the same tables as the PDF, numbers as numbers (openpyxl)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from survey.services.reporting.cells import Cell
from survey.services.reporting.report import ReportData
from survey.services.reporting.tables import Table

BOLD = Font(bold=True)


def _values(cell: Cell | None) -> list:
    """Return estimate, low, high, n and the flags of a cell (blanks when suppressed)."""
    if cell is None:
        return [None, None, None, 0, "không có số liệu / no data"]
    flags = ", ".join(cell.flags)
    if cell.suppressed:
        return [None, None, None, cell.n, f"ẩn / suppressed ({flags})"]
    return [round(cell.value, 4), round(cell.low, 4), round(cell.high, 4), cell.n, flags]


def _table_sheet(book: Workbook, title: str, table: Table) -> None:
    """Write one row per (row, index node) of a table, with coverage for ratings."""
    sheet = book.create_sheet(title)
    header = ["Đơn vị / unit" if table.by == "unit" else "Thủ tục / service", "Nút chỉ số / node",
              "Ước lượng / estimate", "Cận dưới 95 % / lower", "Cận trên 95 % / upper", "n",
              "Cờ / flags", "Lượt đánh giá / ratings", "Hồ sơ / transactions"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for position, row in enumerate([table.total, *table.rows]):
        label = f"{row.label} (chung / all)" if position == 0 else row.label
        for node in table.structure.nodes:
            coverage = [row.coverage.ratings, row.coverage.transactions] if row.coverage else [None, None]
            sheet.append([label, table.structure.label(node), *_values(row.cells.get(node)), *coverage])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 36


def write_workbook(report: ReportData) -> bytes:
    """Return the report's tables as XLSX bytes."""
    book = Workbook()
    summary = book.active
    summary.title = "Tóm tắt"
    summary.append([report.title])
    summary["A1"].font = BOLD
    summary.append(["Đơn vị / unit", report.unit.name_vi, report.unit.code])
    summary.append(["Kỳ / period", report.period_label, report.filters.window.code])
    summary.append(["Chỉ số / index", report.table.structure.kind.name_vi])
    summary.append(["Ước lượng / estimate", "Cận dưới / lower", "Cận trên / upper", "n", "Cờ / flags"])
    summary.append(_values(report.table.total.cells.get(report.table.structure.nodes[0])))
    summary.append([])
    summary.append(["Chỉ tiêu / target", "Kỳ / period", "Kết luận / verdict"])
    for judged in report.judged:
        summary.append([judged.verdict.target_text, judged.target.period, judged.verdict.text])
    summary.append([])
    for note in report.table.notes:
        summary.append([note])
    summary.column_dimensions["A"].width = 30
    _table_sheet(book, "Theo đơn vị" if report.table.by == "unit" else "Theo thủ tục", report.table)
    if report.table.by == "unit":
        _table_sheet(book, "Theo thủ tục", report.services)
    trend = book.create_sheet("Xu hướng")
    trend.append(["Kỳ / period", "Ước lượng / estimate", "Cận dưới / lower", "Cận trên / upper", "n",
                  "Cờ / flags", "Thay đổi / change", "Cận dưới / lower", "Cận trên / upper",
                  "p", "Rõ ràng / clear"])
    for point in report.trend:
        change = point.change.difference if point.change else None
        scale = point.cell.scale if point.cell else 1.0
        trend.append([point.window.code, *_values(point.cell),
                      *([change.estimate * scale, change.ci_low * scale, change.ci_high * scale,
                         point.change.p_value] if change else [None] * 4),
                      None if point.clear is None else ("có / yes" if point.clear else "chưa / not yet")])
    complaints = book.create_sheet("Phản ánh")
    complaints.append(["Yếu tố / element", "Mã / code", "Số lượt / count", "Tỷ lệ / share"])
    for complaint in report.complaints:
        complaints.append([complaint.label_vi, complaint.code, complaint.count, complaint.share])
    _case_sheet(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _case_sheet(book: Workbook, report: ReportData) -> None:
    """Write the case-handling figures of the PDF's section (feedback cases opened in the period)."""
    times = report.case_times
    if times is None or not times.cases:
        return
    sheet = book.create_sheet("Xử lý phản ánh")
    sheet.append(["Chỉ tiêu / measure", "Giá trị / value"])
    for cell in sheet[1]:
        cell.font = BOLD
    for label, value in (
        ("Số phản ánh mở trong kỳ / cases opened", times.cases),
        ("Đã tiếp nhận / acknowledged", times.acknowledged),
        ("Đã trả lời / answered", times.answered),
        ("Trung vị ngày làm việc đến khi tiếp nhận / median working days to acknowledge",
         times.median_days_to_acknowledge),
        ("Trung vị ngày làm việc đến khi trả lời / median working days to answer",
         times.median_days_to_answer),
        ("Tỷ lệ tiếp nhận đúng hạn / acknowledged in time", times.share_acknowledged_in_time),
        ("Tỷ lệ trả lời đúng hạn / answered in time", times.share_answered_in_time),
        ("Đang quá hạn / overdue now", times.overdue_now),
    ):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 70
