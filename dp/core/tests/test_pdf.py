from __future__ import annotations

import pytest

from dp.core.pdf import pdf_response, render_pdf


@pytest.mark.django_db
def test_letter_renders_as_pdf(council) -> None:  # type: ignore[no-untyped-def]
    content = render_pdf("core/letter_base.html", {})
    assert content.startswith(b"%PDF")
    response = pdf_response(content, "letter.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="letter.pdf"' in response["Content-Disposition"]
