"""Reading slips back as a person and a scanner would: rasterise the PDF, decode its QR codes."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader


def qr_codes(pdf: bytes | Path, dpi: int = 200) -> list[str]:
    """Every QR code found in the rendered pages, top to bottom."""
    source = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    found: list[str] = []
    document = pdfium.PdfDocument(source)
    try:
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            found.extend(result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
    finally:
        document.close()
    return found


def pdf_text(pdf: bytes | Path) -> str:
    import io

    source = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(source))
    return "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(pdf: bytes | Path) -> list[tuple[str, str, int]]:
    """(font name, font file key, embedded bytes) for each font of each page."""
    import io

    source = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(source))
    found = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        data = descriptor[key].get_object().get_data()
                        found.append((str(descriptor["/FontName"]), key, len(data)))
    return found


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    import io

    reader = PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4)) for p in reader.pages
    ]
