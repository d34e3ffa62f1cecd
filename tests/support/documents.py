"""PDFs read back as a reader and a badge scanner see them."""
from __future__ import annotations

from io import BytesIO

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def pages_text(document: bytes) -> list[str]:
    """Each page's text with runs of whitespace made one space."""
    return [" ".join(page.extract_text().split())
            for page in PdfReader(BytesIO(document)).pages]


def decoded_qr_codes(document: bytes, page: int = 0) -> list[str]:
    """What a scanner reads from one page printed at about 200 dpi."""
    image = pypdfium2.PdfDocument(document)[page].render(scale=200 / 72).to_pil()
    return sorted(barcode.text for barcode in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode))
