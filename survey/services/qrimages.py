"""QR code images of links: PNG and SVG sized for a 58 mm receipt printer, SVG of any size for posters.

A QR code stores upper-case letters, digits and `` $%*+-./:`` in its alphanumeric mode at 5.5 bits a
character instead of 8 (ISO/IEC 18004 section 7.4.4). Tokens are base32 for that reason; when the
link's base URL has no path, the whole URL is upper-cased as well (scheme and host are
case-insensitive, and the citizen's page answers at /R/ as well as /r/), which keeps a receipt link a
version-5 code (37 modules) instead of version 6.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

# A 58 mm thermal printer prints 48 mm at 203 dpi: 384 dots a line.
RECEIPT_DOTS = 384
RECEIPT_DPI = 203
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 requires
_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]*")


@dataclass(frozen=True)
class QrImages:
    """A link's QR code: the text it encodes, a PNG for the receipt printer and an SVG of equal size."""

    content: str
    modules: int
    png: bytes
    svg: str
    width_mm: float


def content(url: str) -> str:
    """Return the text to encode for ``url``: upper-cased when that makes it all alphanumeric."""
    parts = urlsplit(url)
    token_path = parts.path.rsplit("/", 2)
    if parts.query or parts.fragment or len(token_path) != 3 or token_path[0] != "" or token_path[1] != "r":
        return url
    upper = url.upper()
    return upper if _ALPHANUMERIC.fullmatch(upper) else url


def receipt_images(url: str) -> QrImages:
    """Return the QR code of ``url`` as the widest crisp PNG a 58 mm receipt takes, and as SVG."""
    text = content(url)
    modules = _code(text, 1).modules_count
    dots = RECEIPT_DOTS // (modules + 2 * QUIET_ZONE)
    png = io.BytesIO()
    _code(text, dots).make_image().save(png, format="PNG", dpi=(RECEIPT_DPI, RECEIPT_DPI))
    module_mm = dots * 25.4 / RECEIPT_DPI
    return QrImages(
        text, modules, png.getvalue(), svg(text, module_mm), round((modules + 2 * QUIET_ZONE) * module_mm, 1),
    )


def svg(text: str, module_mm: float) -> str:
    """Return the QR code of ``text`` as an SVG document whose modules are ``module_mm`` wide."""
    # qrcode's SVG images measure box sizes in tenths of a millimetre.
    code = _code(text, max(1, round(module_mm * 10)))
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _code(text: str, box_size: int) -> qrcode.QRCode:
    """Return the smallest QR code of ``text`` at error correction level M (15 % of it may be lost)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return code
