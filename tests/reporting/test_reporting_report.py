"""The PDF and XLSX report: rendered, converted to images with pdftoppm, text and images checked."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from reporting_reference import kiosk_shares, read_raw, select_responses, wilson

from survey.cli import cli
from survey.web.database import session_scope

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
ALL = ("kiosk", "qr_transaction", "qr_poster", "interview", "web")
TITLE = "Báo cáo kết quả đo lường sự hài lòng, Quý 1/2026"
POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdfimages", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (scripts/system-packages.sh)")


def _run(*command: str) -> str:
    """Run a poppler tool and return its standard output."""
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


def _blue_share(page: Path) -> float:
    """Return the share of a page image's pixels that are clearly blue (Okabe-Ito blue bars)."""
    with Image.open(page) as image:
        rgb = np.asarray(image.convert("RGB")).astype(int)
    return float(((rgb[..., 2] - rgb[..., 0] > 80) & (rgb[..., 2] > 120)).mean())


@needs_poppler
@pytest.mark.parametrize("index", ["kiosk", "sipas"])
def test_pdf_pages_have_text_images_and_embedded_fonts(world, login, tmp_path, index):
    """Download the PDF, render every page with pdftoppm, and check its text, images and fonts."""
    response = login("analyst").get(f"/analyst/report.pdf?period=2026-Q1&unit=P01&index={index}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"bao-cao-P01-2026-Q1-{index}.pdf" in response.headers["Content-Disposition"]
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    _run("pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3 and all(page.stat().st_size > 1000 for page in pages)
    for page in pages:  # every page carries ink: text, tables or charts, not a blank sheet
        with Image.open(page) as image:
            grey = np.asarray(image.convert("L"))
        assert (grey < 200).mean() > 0.005, page.name
    assert any(_blue_share(page) > 0.002 for page in pages)  # the charts' bars in the palette's blue
    text = " ".join(_run("pdftotext", str(path), "-").split())
    for expected in (TITLE, "Tỉnh Thử Nghiệm", "Xã An Bình", "Phường Đông Hòa", "Ghi chú phương pháp",
                     "Xu hướng", "Wilson" if index == "kiosk" else "trọng số bằng nhau"):
        assert expected in text
    images = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(images) >= 2  # the results chart and the trend chart
    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)
    assert any("Noto-Sans" in line for line in fonts)
    assert not any("DejaVu" in line for line in fonts)


@needs_poppler
def test_pdf_has_complaint_counts_but_no_comment(rapp, world, login, tmp_path):
    """Top complaints are counted choices; no comment or phone number reaches the report."""
    response = login("analyst").get("/analyst/report.pdf?period=2026-Q1&unit=P01&index=kiosk")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = " ".join(_run("pdftotext", str(path), "-").split())
    assert "Phản ánh, kiến nghị" in text
    for secret in world.comments + world.phones:
        assert secret not in text
    with session_scope(rapp) as session:
        raw = read_raw(session)
    chosen = select_responses(raw, "kiosk", *Q1, world.units["P01"], ALL)
    named = [raw.choices[r["id"]]["problem_elements"] for r, _ in chosen
             if "problem_elements" in raw.choices[r["id"]]]
    staff = sum(codes.count("staff") for codes in named)
    procedures = sum(codes.count("procedures") for codes in named)
    assert staff == len(named) > procedures > 0
    assert (f"Công chức tiếp nhận, giải quyết hồ sơ (thái độ, hướng dẫn) The staff who handled the "
            f"dossier (attitude, guidance) {staff} 100 %") in text
    share = f"{100 * procedures / len(named):.0f} %"
    assert f"(documents, fees, processing time) {procedures} {share}" in text


def test_xlsx_has_the_same_numbers(rapp, world, login):
    """The workbook's unit sheet holds the Wilson estimates computed from the raw rows."""
    response = login("analyst").get("/analyst/report.xlsx?period=2026-Q1&unit=P01&index=kiosk")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames[:2] == ["Tóm tắt", "Theo đơn vị"]
    with session_scope(rapp) as session:
        raw = read_raw(session)
    expected = kiosk_shares(raw, select_responses(raw, "kiosk", *Q1, world.units["P01"], ALL))
    sheet = {row[0]: row for row in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    for name, code in (("Xã An Bình", "C01"), ("Phường Đông Hòa", "C02")):
        x, n = expected[world.units[code]]
        p, low, high = wilson(x, n)
        row = sheet[name]
        assert row[2:6] == pytest.approx((100 * p, 100 * low, 100 * high, n), abs=1e-4)
    suppressed = sheet["Xã Ít Phiếu"]
    assert suppressed[2] is None and suppressed[6].startswith("ẩn / suppressed")


@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_report_command(rapp, world, tmp_path, suffix):
    """hailong report UNIT PERIOD --index ... -o FILE writes the file with a progress bar."""
    output = tmp_path / f"report.{suffix}"
    result = rapp.test_cli_runner().invoke(cli, ["report", "C01", "2026-Q1", "--index", "sipas",
                                                 "-o", str(output)])
    assert result.exit_code == 0, result.output
    data = Path(output).read_bytes()
    assert data[:4] == (b"%PDF" if suffix == "pdf" else b"PK\x03\x04")


@pytest.mark.parametrize("arguments, message", [
    (["NOPE", "2026-Q1", "-o", "x.pdf"], "no unit has code"),
    (["C01", "2026-Q9", "-o", "x.pdf"], "invalid period"),
    (["C01", "2026-Q1", "-o", "x.docx"], "must be .pdf or .xlsx"),
])
def test_report_command_errors(rapp, world, arguments, message):
    """Bad arguments exit with code 2 and a bilingual message."""
    result = rapp.test_cli_runner().invoke(cli, ["report", *arguments])
    assert result.exit_code == 2 and message in result.output
