"""Letters and documents as PDF (WeasyPrint), from Django templates.

Templates extend `core/letter_base.html`, which sets an A4 page in Arial with the council's
name and address, the date and a page number. `render_pdf` returns bytes; views send them with
`pdf_response`. Rendering reads only the given context (no network: fonts are local).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    from dp.councils.selectors import council_get

    html = render_to_string(template, {"council": council_get(), **context})
    return bytes(HTML(string=html, base_url=None).write_pdf())


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
