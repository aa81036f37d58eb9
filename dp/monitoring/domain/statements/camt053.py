"""CAMT.053 bank-to-customer statements (ISO 20022 XML), read with `pycamt`.

Design overview
---------------
A CAMT.053 file holds one or more statements (``<Stmt>``), each with its account (``<Acct>``),
balances (``<Bal>``: opening ``OPBD`` or ``PRCD``, closing ``CLBD``) and entries (``<Ntry>``),
each entry holding one transaction or, for a batch, several (``<TxDtls>``).

`pycamt.parser.Camt053Parser` reads a whole document into memory. To stream, this module walks
the file with `lxml.etree.iterparse` and, as each ``<Ntry>`` ends, hands `pycamt` a one-entry
document (the statement's ``<Acct>`` and that entry) to extract the transactions, then clears
the entry from the tree, so memory stays flat in the number of entries (it is bounded by the
largest single entry). `pycamt` returns amounts as strings, which are read exactly here.

* posted date: the booking date (``BookgDt``), else the value date; amounts are signed by
  ``CdtDbtInd`` (``DBIT`` is money out); only ``GBP`` is accepted; a fraction of a penny is
  refused;
* only booked entries are read (status ``BOOK``, or no status): pending entries are booked later
  under their own reference and would otherwise count twice;
* the provider transaction id is the entry's ``AcctSvcrRef`` (with ``/n`` for the n-th
  transaction of a batch entry);
* the merchant is the creditor's name for money out and the debtor's for money in; the
  description is the unstructured remittance information, else the additional entry information;
* the account reference is the IBAN (else ``Othr/Id``);
* with an opening balance, each line carries the running balance, and at the end of each
  statement the opening balance plus the entries must equal the closing balance (``CLBD``), or
  the file is refused (entries missing or damaged).

XML is parsed without network access or entity expansion. A file cut short is an XML syntax
error at its last line. Line numbers are those of the elements in the file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree
from pycamt.parser import Camt053Parser

from dp.core.money import format_pence
from dp.monitoring.domain.statements.base import (
    DedupKeys,
    StatementFormatError,
    StatementLine,
    Where,
    clean_text,
    parse_iso_date,
    parse_pounds,
    show,
)

OPENING_CODES = ("OPBD", "PRCD")
CLOSING_CODE = "CLBD"


def _local(element: Any) -> str:
    """The tag without its namespace (comments and processing instructions are not parsed)."""
    return str(element.tag).rsplit("}", 1)[-1]


def _child(element: Any, *names: str) -> Any:
    """The first descendant reached by a path of local names, ignoring namespaces."""
    current = element
    for name in names:
        found = None
        for child in current:
            if _local(child) == name:
                found = child
                break
        if found is None:
            return None
        current = found
    return current


def _child_text(element: Any, *names: str) -> str | None:
    found = _child(element, *names)
    if found is None or found.text is None:
        return None
    return str(found.text).strip()


@dataclass
class _Statement:
    line: int
    account: str | None = None
    account_element: Any = None
    opening_pence: int | None = None
    closing_pence: int | None = None
    closing_line: int = 0
    running_pence: int | None = None
    total_pence: int = 0


def _signed(amount_text: str, indicator: str | None, where: Where, indicator_where: Where) -> int:
    pence = parse_pounds(amount_text, where)
    if pence < 0:
        raise where.error(f"{show(amount_text)} must not have a sign: CdtDbtInd says which way it goes")
    if indicator == "DBIT":
        return -pence
    if indicator == "CRDT":
        return pence
    if not indicator:
        raise indicator_where.error("is missing: CRDT (money in) or DBIT (money out) is needed")
    raise indicator_where.error(f"{show(indicator)} is not CRDT (money in) or DBIT (money out)")


def parse_camt053(stream: IO[Any], *, file_name: str) -> Iterator[StatementLine]:
    """Statement lines from a CAMT.053 file (see the module docstring)."""
    keys = DedupKeys(file_name)
    statement: _Statement | None = None
    seen_root = False
    seen_statement = False
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in events:
            name = _local(element)
            if event == "start":
                if not seen_root:
                    seen_root = True
                    namespace = etree.QName(element).namespace or ""
                    if name != "Document" or "camt.053" not in namespace:
                        raise StatementFormatError(
                            file_name,
                            element.sourceline or 1,
                            "Document",
                            "this is not a CAMT.053 bank-to-customer statement "
                            f"(the document is {show(namespace or name)})",
                        )
                elif name == "Stmt":
                    statement = _Statement(line=element.sourceline or 1)
                    seen_statement = True
                continue
            parent = element.getparent()
            in_statement = parent is not None and _local(parent) == "Stmt" and statement is not None
            if not in_statement:
                if name == "Stmt" and statement is not None:
                    _finish(statement, file_name)
                    statement = None
                    element.clear(keep_tail=True)
                continue
            assert statement is not None
            if name == "Acct":
                statement.account = _account(element, file_name)
                statement.account_element = copy.deepcopy(element)
            elif name == "Bal":
                _balance(element, statement, file_name)
            elif name == "Ntry":
                yield from _entry(element, statement, file_name, keys)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        message = str(exc.msg or exc).split(", line ")[0]
        if "Document is empty" in message or "no element found" in message:
            message = "the file is empty"
        elif "encoding" in message.lower() or "UTF-8" in message or "Char 0x" in message:
            message = f"the file is not text in the encoding it declares ({message})"
        else:
            message = f"the XML is cut short or damaged ({message})"
        raise StatementFormatError(file_name, line, "XML", message) from None
    if not seen_statement:
        raise StatementFormatError(file_name, 1, "Stmt", "the file has no statement (Stmt)")


def _account(element: Any, file_name: str) -> str:
    line = element.sourceline or 1
    currency = _child_text(element, "Ccy")
    if currency is not None and currency != "GBP":
        raise StatementFormatError(
            file_name, line, "Ccy", f"the account is in {show(currency)}: only pounds are accepted"
        )
    reference = _child_text(element, "Id", "IBAN") or _child_text(element, "Id", "Othr", "Id")
    if not reference:
        raise StatementFormatError(file_name, line, "Acct", "the statement does not say which account it is for")
    return clean_text(reference, Where(file_name, line, "Acct"), limit=64)


def _balance(element: Any, statement: _Statement, file_name: str) -> None:
    line = element.sourceline or 1
    code = _child_text(element, "Tp", "CdOrPrtry", "Cd")
    if code not in (*OPENING_CODES, CLOSING_CODE):
        return
    amount = _child(element, "Amt")
    where = Where(file_name, amount.sourceline if amount is not None else line, "Amt")
    if amount is None or amount.text is None:
        raise where.error("is missing from the balance")
    currency = amount.get("Ccy")
    if currency is not None and currency != "GBP":
        raise where.error(f"the balance is in {show(currency)}: only pounds are accepted")
    pence = _signed(amount.text, _child_text(element, "CdtDbtInd"), where, Where(file_name, line, "CdtDbtInd"))
    if code == CLOSING_CODE:
        statement.closing_pence = pence
        statement.closing_line = line
    elif statement.opening_pence is None:
        statement.opening_pence = pence
        statement.running_pence = pence


def _finish(statement: _Statement, file_name: str) -> None:
    if statement.opening_pence is None or statement.closing_pence is None:
        return
    expected = statement.opening_pence + statement.total_pence
    if expected != statement.closing_pence:
        raise StatementFormatError(
            file_name,
            statement.closing_line,
            "Bal",
            f"the closing balance {format_pence(statement.closing_pence)} is not the opening balance "
            f"{format_pence(statement.opening_pence)} plus the entries ({format_pence(statement.total_pence)}); "
            "entries are missing or the file is damaged",
        )


def _element_line(entry: Any, name: str) -> int:
    for descendant in entry.iter():
        if _local(descendant) == name:
            return int(descendant.sourceline or entry.sourceline or 1)
    return int(entry.sourceline or 1)


def _one_entry_document(entry: Any, statement: _Statement) -> bytes:
    namespace = etree.QName(entry).namespace
    tag = (lambda local: f"{{{namespace}}}{local}") if namespace else (lambda local: local)
    nsmap = {None: namespace} if namespace else None
    document = etree.Element(tag("Document"), nsmap=nsmap)
    stmt = etree.SubElement(etree.SubElement(document, tag("BkToCstmrStmt")), tag("Stmt"))
    stmt.append(copy.deepcopy(statement.account_element))
    stmt.append(copy.deepcopy(entry))
    return bytes(etree.tostring(document))


def _entry(entry: Any, statement: _Statement, file_name: str, keys: DedupKeys) -> Iterator[StatementLine]:
    line = int(entry.sourceline or 1)
    if statement.account is None:
        raise StatementFormatError(file_name, line, "Acct", "the entry comes before the statement's account")
    transactions = Camt053Parser(_one_entry_document(entry, statement)).get_transactions()
    status = transactions[0].get("Status") if transactions else None
    if status not in (None, "BOOK"):
        return
    reference = transactions[0].get("TransactionID") if transactions else None
    batch = len(transactions) > 1
    entry_amount = _child(entry, "Amt")
    for index, data in enumerate(transactions):
        # One transaction: the entry's own amount (in the account's currency) is authoritative.
        # A batch: each transaction's amount, which `pycamt` takes from its TxDtls.
        if batch or entry_amount is None:
            amount_text, currency = data.get("Amount"), data.get("Currency")
        else:
            amount_text, currency = entry_amount.text, entry_amount.get("Ccy")
        amount_where = Where(file_name, _element_line(entry, "Amt"), "Amt")
        if amount_text is None:
            raise amount_where.error("is missing: every entry needs its amount")
        if currency is not None and currency != "GBP":
            raise amount_where.error(f"the entry is in {show(currency)}: only pounds are accepted")
        indicator_where = Where(file_name, _element_line(entry, "CdtDbtInd"), "CdtDbtInd")
        amount = _signed(amount_text, data.get("CreditDebitIndicator"), amount_where, indicator_where)
        date_text = data.get("BookingDate") or data.get("ValueDate")
        date_where = Where(
            file_name, _element_line(entry, "BookgDt" if data.get("BookingDate") else "ValDt"), "BookgDt"
        )
        if not date_text:
            raise date_where.error("is missing: every entry needs its booking date")
        posted_on = parse_iso_date(date_text, date_where, allow_time=True)
        party = data.get("CreditorName") if amount < 0 else data.get("DebtorName")
        party = party or data.get("CreditorName") or data.get("DebtorName") or ""
        merchant = clean_text(party, Where(file_name, line, "Nm"))
        description = clean_text(
            data.get("RemittanceInformationFull")
            or data.get("RemittanceInformation")
            or data.get("AdditionalEntryInformation")
            or "",
            Where(file_name, line, "RmtInf"),
        )
        transaction_id: str | None = None
        if reference:
            transaction_id = f"{reference}/{index + 1}" if batch else reference
            transaction_id = clean_text(transaction_id, Where(file_name, line, "AcctSvcrRef"), limit=128)
        statement.total_pence += amount
        balance: int | None = None
        if statement.running_pence is not None:
            statement.running_pence += amount
            balance = statement.running_pence
        yield StatementLine(
            line_number=line,
            posted_on=posted_on,
            amount_pence=amount,
            description=description,
            merchant=merchant,
            merchant_category_code=None,
            balance_pence=balance,
            account_reference=statement.account,
            dedup_key=keys.key(
                line_number=line,
                account_reference=statement.account,
                posted_on=posted_on,
                amount_pence=amount,
                transaction_id=transaction_id,
                description=description,
                balance_pence=balance,
            ),
            provider_transaction_id=transaction_id,
        )
