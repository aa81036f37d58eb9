"""Builders of small synthetic statement files in every format, for the statement tests.

Synthetic data only: invented people, merchants and account numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from dp.monitoring.domain.statements import ColumnMapping, StatementFormatError, StatementLine, parse_statement

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "statements"


@dataclass(frozen=True)
class Txn:
    posted_on: dt.date
    amount_pence: int
    description: str = "Card purchase"
    merchant: str = "Corner Shop"
    ident: str | None = None
    mcc: str | None = None


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, rem = divmod(abs(pence), 100)
    return f"{sign}{whole}.{rem:02d}"


def sterling(pence: int) -> str:
    """ "-£1,234.50": how a provider might show money."""
    sign = "-" if pence < 0 else ""
    whole, rem = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{rem:02d}"


def csv_quote(text: str) -> str:
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


# -- our card CSV ----------------------------------------------------------------------------------

CARD_HEADER = (
    "record_type,transaction_id,card_account_reference,posted_on,amount,balance,merchant_name,"
    "merchant_category_code,description"
)


def card_csv(txns: Sequence[Txn], *, account: str = "CARD-0001", trailer: bool = True, opening: int = 0) -> bytes:
    rows = [CARD_HEADER]
    balance = opening
    for i, t in enumerate(txns, 1):
        balance += t.amount_pence
        rows.append(
            ",".join(
                (
                    "TXN",
                    t.ident or f"TX-{i:05d}",
                    account,
                    t.posted_on.isoformat(),
                    pounds(t.amount_pence),
                    pounds(balance),
                    csv_quote(t.merchant),
                    t.mcc or "",
                    csv_quote(t.description),
                )
            )
        )
    if trailer:
        rows.append(f"TRAILER,{len(txns)},,,{pounds(sum(t.amount_pence for t in txns))},,,,")
    return ("\r\n".join(rows) + "\r\n").encode()


# -- a provider's CSV, read through a mapping ----------------------------------------------------------

HERON_MAPPING = ColumnMapping(
    posted_on="Date",
    money_out="Debit",
    money_in="Credit",
    description=("Details",),
    merchant="Merchant",
    merchant_category_code="MCC",
    balance="Balance",
    account_reference="Card",
    skip_lines=1,
)


def heron_csv(txns: Sequence[Txn], *, account: str = "HCS-1", opening: int = 0, encoding: str = "utf-8") -> bytes:
    rows = ["Heron Card Services - transaction export", "Card,Date,Merchant,MCC,Details,Debit,Credit,Balance"]
    balance = opening
    for t in txns:
        balance += t.amount_pence
        debit = sterling(-t.amount_pence) if t.amount_pence < 0 else ""
        credit = sterling(t.amount_pence) if t.amount_pence >= 0 else ""
        rows.append(
            ",".join(
                (
                    account,
                    t.posted_on.strftime("%d/%m/%Y"),
                    csv_quote(t.merchant),
                    t.mcc or "",
                    csv_quote(t.description),
                    csv_quote(debit),
                    csv_quote(credit),
                    csv_quote(sterling(balance)),
                )
            )
        )
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


# -- a bank's CSV export ------------------------------------------------------------------------------


def bank_csv(txns: Sequence[Txn], *, opening: int = 0, preamble: bool = True) -> bytes:
    rows = ["Account name:,Synthetic Example DP Account", ""] if preamble else []
    rows.append("Date,Type,Description,Paid out,Paid in,Balance")
    balance = opening
    for t in txns:
        balance += t.amount_pence
        out = pounds(-t.amount_pence) if t.amount_pence < 0 else ""
        paid_in = pounds(t.amount_pence) if t.amount_pence >= 0 else ""
        rows.append(
            ",".join((t.posted_on.strftime("%d/%m/%Y"), "POS", csv_quote(t.description), out, paid_in, pounds(balance)))
        )
    return ("\n".join(rows) + "\n").encode()


# -- OFX ----------------------------------------------------------------------------------------------


def ofx(txns: Sequence[Txn], *, account: str = "12345678", bank: str = "401234") -> bytes:
    parts = [
        "OFXHEADER:100",
        "DATA:OFXSGML",
        "VERSION:102",
        "SECURITY:NONE",
        "ENCODING:USASCII",
        "CHARSET:1252",
        "COMPRESSION:NONE",
        "OLDFILEUID:NONE",
        "NEWFILEUID:NONE",
        "",
        "<OFX>",
        "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>",
        "<DTSERVER>20260601120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>",
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>",
        "<STMTRS><CURDEF>GBP",
        f"<BANKACCTFROM><BANKID>{bank}<ACCTID>{account}<ACCTTYPE>CHECKING</BANKACCTFROM>",
        "<BANKTRANLIST><DTSTART>20000101<DTEND>20991231",
    ]
    for i, t in enumerate(txns, 1):
        parts += [
            "<STMTTRN>",
            f"<TRNTYPE>{'CREDIT' if t.amount_pence >= 0 else 'DEBIT'}",
            f"<DTPOSTED>{t.posted_on:%Y%m%d}",
            f"<TRNAMT>{pounds(t.amount_pence)}",
            f"<FITID>{t.ident or f'F{i:05d}'}",
            *([f"<SIC>{t.mcc}"] if t.mcc else []),
            f"<NAME>{escape(t.merchant)}",
            f"<MEMO>{escape(t.description)}",
            "</STMTTRN>",
        ]
    parts += [
        "</BANKTRANLIST>",
        "<LEDGERBAL><BALAMT>0.00<DTASOF>20260531</LEDGERBAL>",
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1>",
        "</OFX>",
    ]
    return ("\r\n".join(parts) + "\r\n").encode("cp1252")


# -- CAMT.053 -----------------------------------------------------------------------------------------


def camt053(txns: Sequence[Txn], *, opening: int = 100000, iban: str = "GB33BUKB20201555555555") -> bytes:
    closing = opening + sum(t.amount_pence for t in txns)

    def balance(code: str, pence: int) -> str:
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="GBP">{pounds(abs(pence))}</Amt><CdtDbtInd>{"DBIT" if pence < 0 else "CRDT"}</CdtDbtInd>'
            "<Dt><Dt>2026-05-31</Dt></Dt></Bal>"
        )

    entries = []
    for i, t in enumerate(txns, 1):
        party = "Cdtr" if t.amount_pence < 0 else "Dbtr"
        ref = f"<AcctSvcrRef>{escape(t.ident)}</AcctSvcrRef>" if t.ident else ""
        entries.append(
            "<Ntry>\n"
            f'  <Amt Ccy="GBP">{pounds(abs(t.amount_pence))}</Amt>\n'
            f"  <CdtDbtInd>{'DBIT' if t.amount_pence < 0 else 'CRDT'}</CdtDbtInd>\n"
            "  <Sts>BOOK</Sts>\n"
            f"  <BookgDt><Dt>{t.posted_on.isoformat()}</Dt></BookgDt>\n"
            f"  {ref}\n"
            f"  <NtryDtls><TxDtls><RltdPties><{party}><Nm>{escape(t.merchant)}</Nm></{party}></RltdPties>"
            f"<RmtInf><Ustrd>{escape(t.description)}</Ustrd></RmtInf></TxDtls></NtryDtls>\n"
            "</Ntry>"
        )
        del i
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
        "<BkToCstmrStmt>\n"
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-06-01T06:00:00</CreDtTm></GrpHdr>\n"
        "<Stmt>\n"
        "<Id>S1</Id>\n"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>GBP</Ccy></Acct>\n"
        f"{balance('OPBD', opening)}\n"
        f"{balance('CLBD', closing)}\n" + "\n".join(entries) + "\n</Stmt>\n</BkToCstmrStmt>\n</Document>\n"
    )
    return document.encode()


# -- MT940 --------------------------------------------------------------------------------------------


def _swift_amount(pence: int) -> str:
    whole, rem = divmod(abs(pence), 100)
    return f"{whole},{rem:02d}"


def mt940(txns: Sequence[Txn], *, opening: int = 100000, account: str = "401234/12345678") -> bytes:
    closing = opening + sum(t.amount_pence for t in txns)
    lines = [
        ":20:STMT1",
        f":25:{account}",
        ":28C:1/1",
        f":60F:{'D' if opening < 0 else 'C'}260430GBP{_swift_amount(opening)}",
    ]
    for t in txns:
        mark = "D" if t.amount_pence < 0 else "C"
        ref = f"//{t.ident}" if t.ident else ""
        lines.append(f":61:{t.posted_on:%y%m%d%m%d}{mark}{_swift_amount(t.amount_pence)}NMSCNONREF{ref}")
        lines.append(f":86:{t.description}")
    lines.append(f":62F:{'D' if closing < 0 else 'C'}260531GBP{_swift_amount(closing)}")
    lines.append("-")
    return ("\n".join(lines) + "\n").encode()


# -- running parsers ------------------------------------------------------------------------------------


def parse(
    statement_format: str, data: bytes, *, file_name: str = "statement", **options: object
) -> list[StatementLine]:
    return list(parse_statement(statement_format, io.BytesIO(data), file_name=file_name, **options))  # type: ignore[arg-type]


def parse_error(
    statement_format: str, data: bytes, *, file_name: str = "statement", **options: object
) -> StatementFormatError:
    """The error reading `data` gives, checked to name the file, the line and the field."""
    with pytest.raises(StatementFormatError) as info:
        parse(statement_format, data, file_name=file_name, **options)
    exc = info.value
    assert exc.file_name == file_name
    assert exc.line >= 1
    assert exc.field
    assert exc.message.startswith(f"{file_name}, line {exc.line}, {exc.field}: ")
    assert exc.problem
    return exc


def line_of(data: bytes, needle: bytes, occurrence: int = 0) -> int:
    """The 1-based line number of the `occurrence`-th `needle` in `data`."""
    index = -1
    for _ in range(occurrence + 1):
        index = data.index(needle, index + 1)
    return data.count(b"\n", 0, index) + 1
