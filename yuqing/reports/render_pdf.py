"""PDF through WeasyPrint from the print page: A4, 公文 margins, "— N —" page numbers,
Noto CJK fonts (installed by scripts/setup) embedded by WeasyPrint."""

from __future__ import annotations

import logging

from weasyprint import HTML  # type: ignore[import-untyped]

from yuqing.reports.document import Document
from yuqing.reports.render_html import render_print_html

# WeasyPrint reports every CSS property it ignores (e.g. flex details) as a warning.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(doc: Document) -> bytes:
    pdf = HTML(string=render_print_html(doc)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
