"""The scanning hook for receipts: a virus scanner, where the council has one, looks at every receipt.

`settings.MONITORING_RECEIPT_SCANNER` names the scanner class (dotted path; default `LocalScanner`).
A scanner has one method, `scan(content: bytes, content_type: str) -> ScanResult`, and must not keep
the content. `LocalScanner` needs no service: it checks the type from the content and the size again
(so a file stored by any route is checked the same way) and that a PDF is not cut short. A council
with an antivirus service (ClamAV, a cloud scanner) adds a class here and names it in the setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from dp.core.errors import ValidationFailed
from dp.monitoring.domain.receipts import PDF, check_receipt

DEFAULT_SCANNER = "dp.monitoring.scanning.LocalScanner"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def receipt_max_bytes() -> int:
    return int(getattr(settings, "MONITORING_RECEIPT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    detail: str


class ReceiptScanner(Protocol):
    def scan(self, content: bytes, content_type: str) -> ScanResult: ...


class LocalScanner:
    """Checks the type from the content and the size; a PDF must end with its end-of-file marker."""

    def scan(self, content: bytes, content_type: str) -> ScanResult:
        try:
            found = check_receipt(content[:16], size_bytes=len(content), max_bytes=receipt_max_bytes())
        except ValidationFailed as exc:
            return ScanResult(clean=False, detail=exc.message)
        if found != content_type:
            return ScanResult(clean=False, detail=f"The content is {found}, not {content_type}")
        if found == PDF and b"%%EOF" not in content[-2048:]:
            return ScanResult(clean=False, detail="The PDF is cut short (no end-of-file marker)")
        return ScanResult(clean=True, detail="Type and size checked")


def receipt_scanner() -> ReceiptScanner:
    path = getattr(settings, "MONITORING_RECEIPT_SCANNER", DEFAULT_SCANNER)
    scanner: ReceiptScanner = import_string(path)()
    return scanner
