"""OFX statements (Open Financial Exchange, versions 1 (SGML) and 2 (XML)), read with `ofxtools`.

Design overview
---------------
Banks and some card providers offer an OFX (sometimes called "Microsoft Money") download.
`ofxtools` reads the OFX header and body (either version) into an element tree; this module then
reads each ``<STMTTRN>`` of each bank statement (``<STMTRS>``) or card statement
(``<CCSTMTRS>``), converting its values with `ofxtools`' own OFX type converters:

* ``DTPOSTED`` (required): an OFX date-time, converted to the date in Europe/London (an OFX time
  with an offset, such as ``20260502000000[+1:BST]``, is that London date, not the UTC one);
* ``TRNAMT`` (required): signed pounds, negative for money out; a fraction of a penny is refused;
* ``FITID`` (required): the bank's transaction id, which becomes the dedup key;
* ``NAME`` (or ``PAYEE/NAME``) is the merchant, ``MEMO`` the description (``NAME`` or
  ``TRNTYPE`` when there is no memo), ``SIC`` the merchant category code;
* the account reference is ``BANKID:ACCTID`` for a bank account (sort code and account number in
  the UK) and ``ACCTID`` for a card; ``CURDEF`` must be ``GBP``.

A file must end with ``</OFX>``: a file cut short is refused (`ofxtools` itself would read the
part that is there without complaint).

Memory: OFX cannot be streamed with `ofxtools` (it reads the whole document, and version 1 is
SGML, which needs the whole tree to close unterminated tags), so the file is read whole, up to
`MAX_BYTES` (larger files are refused with a request for shorter statement periods). Bank OFX
downloads are one account over weeks or months: kilobytes, rarely a megabyte. The lines are
still yielded one at a time. Line numbers are those of each ``<STMTTRN>`` tag in the file.
"""

from __future__ import annotations

import bisect
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from ofxtools.header import OFXHeaderError
from ofxtools.Parser import OFXTree, ParseError
from ofxtools.Types import DateTime as OfxDateTime
from ofxtools.Types import Decimal as OfxDecimal
from ofxtools.Types import Integer as OfxInteger

from dp.monitoring.domain.statements.base import (
    DedupKeys,
    StatementFormatError,
    StatementLine,
    Where,
    check_date,
    clean_text,
    decimal_to_pence,
    parse_mcc,
    show,
)

MAX_BYTES = 50 * 1024 * 1024
LONDON = ZoneInfo("Europe/London")

_STMTTRN = re.compile(rb"<STMTTRN>", re.IGNORECASE)
_OFX_DECLARATION = re.compile(rb"<\?OFX[^>]*\?>", re.IGNORECASE)
_POSITION = re.compile(r"position=\[(\d+):")


class _LineIndex:
    """Byte offset -> line number in the raw file."""

    def __init__(self, raw: bytes) -> None:
        self._newlines = [m.start() for m in re.finditer(rb"\n", raw)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    @property
    def last_line(self) -> int:
        return len(self._newlines) + 1


def read_limited(stream: IO[Any], *, file_name: str, max_bytes: int) -> bytes:
    """The whole stream as bytes, refusing more than `max_bytes`."""
    data = stream.read(max_bytes + 1)
    if isinstance(data, str):
        raise TypeError("Open the statement file in binary mode")
    if len(data) > max_bytes:
        raise StatementFormatError(
            file_name,
            1,
            "file",
            f"is larger than {max_bytes // (1024 * 1024)} MB; ask for statements covering shorter periods",
        )
    return bytes(data)


def _body_offset(raw: bytes) -> int:
    """Where `ofxtools` starts the OFX body: after the ``<?OFX ...?>`` declaration (version 2), or
    at the first tag after the nine header lines, blank lines before them skipped (version 1)."""
    declaration = _OFX_DECLARATION.search(raw)
    if declaration:
        return declaration.end()
    lines = raw.split(b"\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    offset = sum(len(line) + 1 for line in lines[: first + 9])
    rest = raw[offset:]
    return offset + len(rest) - len(rest.lstrip())  # `ofxtools` strips the version 1 body


def _parse_tree(raw: bytes, file_name: str, lines: _LineIndex) -> ET.Element:
    tree = OFXTree()
    try:
        root = tree.parse(io.BytesIO(raw))
    except OFXHeaderError as exc:
        if raw.lstrip()[:9].upper() in (b"OFXHEADER", b"<?XML VER"):
            reason = show(str(exc).split("\n")[0], 80)
            raise StatementFormatError(file_name, 1, "header", f"the OFX header is not valid ({reason})") from None
        raise StatementFormatError(
            file_name, 1, "header", "the file does not start with an OFX header: it is not an OFX file"
        ) from None
    except ParseError as exc:
        message = str(exc)
        match = _POSITION.search(message)
        line = lines.line_of(_body_offset(raw) + int(match.group(1))) if match else 1
        reason = message.split(" - position")[0].split(" in ")[0]
        raise StatementFormatError(file_name, line, "OFX", f"the OFX markup is damaged ({show(reason, 80)})") from None
    except UnicodeDecodeError as exc:
        # `ofxtools` decodes the body (version 1) or the file (version 2); the first undecodable
        # byte is the first occurrence of that byte value in the file.
        bad = bytes(exc.object[exc.start : exc.start + 1])
        raise StatementFormatError(
            file_name,
            lines.line_of(max(0, raw.find(bad))),
            "encoding",
            f"byte 0x{bad[0]:02X} is not text in the encoding the OFX header declares",
        ) from None
    except (ValueError, LookupError) as exc:  # pragma: no cover - ofxtools reports bad headers as OFXHeaderError
        raise StatementFormatError(file_name, 1, "header", f"the OFX header cannot be read ({exc})") from None
    return root


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip()


def parse_ofx(stream: IO[Any], *, file_name: str, max_bytes: int = MAX_BYTES) -> Iterator[StatementLine]:
    """Statement lines from an OFX file (see the module docstring)."""
    raw = read_limited(stream, file_name=file_name, max_bytes=max_bytes)
    lines = _LineIndex(raw)
    if not raw.strip():
        raise StatementFormatError(file_name, 1, "header", "the file is empty")
    root = _parse_tree(raw, file_name, lines)
    if not raw.rstrip().upper().endswith(b"</OFX>"):
        raise StatementFormatError(file_name, lines.last_line, "OFX", "the file ends before </OFX>, so it is cut short")
    trn_offsets = [m.start() for m in _STMTTRN.finditer(raw)]
    keys = DedupKeys(file_name)
    position = 0
    statements = [el for el in root.iter() if el.tag in ("STMTRS", "CCSTMTRS")]
    if not statements:
        raise StatementFormatError(file_name, 1, "OFX", "the file has no bank or card statement (STMTRS or CCSTMTRS)")
    for statement in statements:
        transactions = list(statement.iter("STMTTRN"))
        first_line = lines.line_of(trn_offsets[position]) if position < len(trn_offsets) else 1
        currency = _text(statement, "CURDEF")
        if currency is not None and currency.upper() != "GBP":
            raise StatementFormatError(
                file_name, first_line, "CURDEF", f"the statement is in {show(currency)}: only pounds are accepted"
            )
        account = _account(statement, file_name, first_line)
        for transaction in transactions:
            offset = trn_offsets[position] if position < len(trn_offsets) else len(raw)
            position += 1
            try:
                line = _line(transaction, line=lines.line_of(offset), account=account, file_name=file_name, keys=keys)
            except StatementFormatError as exc:
                # Report the line of the faulty value itself where it is on a line of its own.
                tag = exc.field or "STMTTRN"
                at = raw.find(b"<" + tag.encode(), offset)
                end = raw.find(b"</STMTTRN>", offset)
                if at != -1 and (end == -1 or at < end):
                    raise StatementFormatError(file_name, lines.line_of(at), tag, exc.problem) from None
                raise
            yield line


def _account(statement: ET.Element, file_name: str, line: int) -> str:
    if statement.tag == "STMTRS":
        account = _text(statement, "BANKACCTFROM/ACCTID")
        bank = _text(statement, "BANKACCTFROM/BANKID")
    else:
        account = _text(statement, "CCACCTFROM/ACCTID")
        bank = None
    if not account:
        raise StatementFormatError(file_name, line, "ACCTID", "the statement does not say which account it is for")
    reference = f"{bank}:{account}" if bank else account
    return clean_text(reference, Where(file_name, line, "ACCTID"), limit=64)


def _required(transaction: ET.Element, tag: str, where: Where) -> str:
    value = _text(transaction, tag)
    if not value:
        raise where.error(f"is missing: every transaction needs its {tag}")
    return value


def _line(transaction: ET.Element, *, line: int, account: str, file_name: str, keys: DedupKeys) -> StatementLine:
    where = Where(file_name, line, "DTPOSTED")
    text = _required(transaction, "DTPOSTED", where)
    try:
        posted = OfxDateTime().convert(text)
    except (ValueError, TypeError, ArithmeticError):
        raise where.error(f"{show(text)} is not an OFX date (YYYYMMDD, or YYYYMMDDHHMMSS)") from None
    posted_on = check_date(posted.astimezone(LONDON).date(), text, where)

    where = Where(file_name, line, "TRNAMT")
    text = _required(transaction, "TRNAMT", where)
    try:
        amount_decimal: Decimal = OfxDecimal().convert(text)
    except (ValueError, ArithmeticError):
        raise where.error(f"{show(text)} is not an amount of money") from None
    amount = decimal_to_pence(amount_decimal, text, where)

    where = Where(file_name, line, "FITID")
    fitid = clean_text(_required(transaction, "FITID", where), where, limit=255)

    name = _text(transaction, "NAME") or _text(transaction, "PAYEE/NAME") or ""
    merchant = clean_text(name, Where(file_name, line, "NAME"))
    memo = clean_text(_text(transaction, "MEMO") or "", Where(file_name, line, "MEMO"))
    description = memo or merchant or (_text(transaction, "TRNTYPE") or "")

    mcc: str | None = None
    sic = _text(transaction, "SIC")
    if sic:
        where = Where(file_name, line, "SIC")
        try:
            OfxInteger().convert(sic)
        except ValueError:
            raise where.error(f"{show(sic)} is not a standard industry code") from None
        mcc = parse_mcc(sic, where)

    return StatementLine(
        line_number=line,
        posted_on=posted_on,
        amount_pence=amount,
        description=description,
        merchant=merchant,
        merchant_category_code=mcc,
        balance_pence=None,
        account_reference=account,
        dedup_key=keys.key(
            line_number=line,
            account_reference=account,
            posted_on=posted_on,
            amount_pence=amount,
            transaction_id=fitid,
            description=description,
            balance_pence=None,
        ),
        provider_transaction_id=fitid,
    )
