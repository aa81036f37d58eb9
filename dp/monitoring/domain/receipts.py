"""What kind of file a receipt is, read from its first bytes (never from its name or the browser).

Design overview
---------------
Staff upload receipts and invoices as evidence of spending (RULES.md §4 "Record keeping"). Only
PDF, JPEG and PNG are accepted, recognised by their signatures ("magic bytes"): a PDF starts
``%PDF-``, a JPEG ``FF D8 FF``, a PNG ``89 50 4E 47 0D 0A 1A 0A``. Anything else, an empty file or a
file over the size limit is refused with a message a person can act on. A virus scanner, when a
council has one, runs after this check (`dp.monitoring.scanning`).

Pure: no Django, no database.
"""

from __future__ import annotations

from dp.core.errors import ValidationFailed

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)

EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

#: How many bytes `detect_content_type` needs.
HEAD_BYTES = 16


def detect_content_type(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not a PDF, JPEG or PNG."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_receipt(head: bytes, *, size_bytes: int, max_bytes: int) -> str:
    """The receipt's content type, or ValidationFailed saying what is wrong with the file."""
    if size_bytes <= 0:
        raise ValidationFailed("The selected file is empty", field="file")
    if size_bytes > max_bytes:
        raise ValidationFailed(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB", field="file")
    content_type = detect_content_type(head)
    if content_type is None:
        raise ValidationFailed("The selected file must be a PDF, JPG or PNG", field="file")
    return content_type
