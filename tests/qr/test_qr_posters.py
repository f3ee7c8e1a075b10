"""Counter posters: an A4 PDF page per counter whose rendered QR code reads back as its poster link."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PIL import Image
from qr_world import KEYS
from test_qr_http import CSRF, log_in

from survey.cli import cli
from survey.domain import qrtoken

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is missing")


def pages_of(pdf_path, tmp_path) -> list[Image.Image]:
    """Render every page with pdftoppm (poppler) at 150 dpi."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    images = []
    for path in sorted(tmp_path.glob("page-*.png")):
        with Image.open(path) as image:
            images.append(image.copy())
    return images


def read_qr(image: Image.Image) -> str:
    """Read the one QR code of a rendered page with ZXing."""
    import zxingcpp

    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def test_cli_writes_one_poster_per_counter(runner, world, tmp_path):
    output = tmp_path / "posters.pdf"
    result = runner.invoke(cli, ["qr", "posters", "S01", "-o", str(output), "--base-url", "https://hl.example.vn/"])
    assert result.exit_code == 0, result.output
    assert "3" in result.output and output.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info and "A4" in info
    fonts = subprocess.run(["pdffonts", str(output)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans" in fonts and " no " not in fonts.split("\n", 2)[2]  # every font embedded
    text = subprocess.run(["pdftotext", str(output), "-"], capture_output=True, text=True, check=True).stdout
    assert "Mở máy ảnh của điện thoại" in text and "Open your phone's camera" in text
    keys = {kid: secret.encode() for kid, secret in KEYS.items()}
    now = dt.datetime.now(dt.UTC)
    units = []
    for image in pages_of(output, tmp_path):
        content = read_qr(image)
        assert content.startswith("HTTPS://HL.EXAMPLE.VN/R/")
        claims = qrtoken.decode(content.rsplit("/", 1)[1], keys, now)
        assert (claims.kind, claims.transaction_ref, claims.key_id) == ("poster", None, "2026b")
        assert claims.expires_at - claims.issued_at == dt.timedelta(days=366)
        units.append(claims.unit_id)
    assert units == [world.units[code] for code in ("K01", "K02", "K03")]


def test_cli_poster_for_a_unit_without_counters_and_errors(runner, world, tmp_path):
    output = tmp_path / "ward.pdf"
    result = runner.invoke(cli, ["qr", "posters", "C02", "-o", str(output), "--questionnaire", "sipas"])
    assert result.exit_code == 0, result.output  # QR_BASE_URL comes from the configuration
    claims = qrtoken.decode(read_qr(pages_of(output, tmp_path)[0]).rsplit("/", 1)[1],
                            {k: v.encode() for k, v in KEYS.items()}, dt.datetime.now(dt.UTC))
    assert (claims.unit_id, claims.questionnaire) == (world.units["C02"], "sipas")
    missing = runner.invoke(cli, ["qr", "posters", "NOPE", "-o", str(output)])
    assert missing.exit_code == 1 and "NOPE" in missing.output


def test_cli_needs_a_base_url(runner, world, tmp_path):
    runner.app.config["QR_BASE_URL"] = None
    result = runner.invoke(cli, ["qr", "posters", "S01", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--base-url" in result.output


def test_staff_page_downloads_the_posters(client, world, tmp_path):
    log_in(client, "clerk")
    form = client.get("/qr/posters").get_data(as_text=True)
    response = client.post("/qr/posters", data={
        "csrf_token": CSRF.search(form).group(1), "unit": str(world.units["S01"]), "questionnaire": "kiosk",
    })
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "qr-posters-S01.pdf" in response.headers["Content-Disposition"]
    path = tmp_path / "staff.pdf"
    path.write_bytes(response.data)
    assert read_qr(pages_of(path, tmp_path)[0]).startswith("HTTPS://HAILONG.EXAMPLE.VN/R/")
    other = client.post("/qr/posters", data={
        "csrf_token": CSRF.search(form).group(1), "unit": str(world.units["C02"]), "questionnaire": "kiosk",
    })
    assert other.status_code == 200 and other.mimetype == "text/html"  # outside the clerk's commune
