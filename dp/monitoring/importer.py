"""Loading one statement file into `monitoring_transaction`, set-based, in the caller's transaction.

How it works (all inside ONE database transaction, opened by `services.statement_import_run`):

1. The file is streamed from storage through the pure parser (`parse_statement`), and every line is
   written with psycopg ``COPY`` into a temporary staging table (``ON COMMIT DROP``). Nothing of the
   file is ever held in memory; progress (bytes and lines read) is written on a separate connection
   every `PROGRESS_EVERY` lines, so the import page can show it while the transaction is open.
2. The account references in the file (a few distinct values) are resolved to accounts; a line for
   no known account (or, for a one-account statement, for another account) is an error naming it.
3. Categorising: the distinct (person's categoriser, merchant, description, merchant category code,
   money in or out) combinations are categorised once each by the pure `Categoriser` and copied into
   a second temporary table.
4. One ``INSERT … SELECT`` writes the new transactions with their categorisation, skipping by an
   anti-join any line already stored (this file again, or an overlapping one) or repeated in the file,
   under a lock that lets one import write at a time.
5. Contributions paid in are matched to the person's schedule (`contribution_receipt_record`), and
   each account's last statement balance is reconciled against the ledger.

Any error raises; the caller's transaction then rolls back everything, the staging tables included.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import IO, Any

import psycopg
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from psycopg.copy import QueuedLibpqWriter

from dp.core import clock
from dp.core.domain.calculation_io import MAX_PENCE
from dp.monitoring.constants import TransactionStatus
from dp.monitoring.domain.categorise import normalise_words
from dp.monitoring.domain.statements import ColumnMapping, StatementFormatError, card_csv, parse_statement
from dp.monitoring.domain.statements.base import DEDUP_VERSION, MAX_TEXT_LENGTH
from dp.monitoring.domain.statements.card_csv import card_csv_records
from dp.monitoring.models import StatementImport, StatementReconciliation
from dp.monitoring.selectors import (
    account_statement_reference,
    account_statement_references,
    categorisers_for_accounts,
)
from dp.payments.constants import Basis, ScheduleStatus
from dp.payments.models import DirectPaymentAccount, PaymentSchedule

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 20_000
CATEGORISE_BATCH = 10_000
#: Money in whose words include one of these is a contribution the person paid into the account.
CONTRIBUTION_WORDS = ("contribution",)

DROP_SQL = "DROP TABLE IF EXISTS monitoring_raw, monitoring_staging, monitoring_refmap, monitoring_cat"
STAGING_COLUMNS = (
    "line_number, posted_on, amount_pence, description, merchant, merchant_category_code, balance_pence, "
    "account_reference, dedup_key, provider_transaction_id"
)  # `StatementLine`'s field order, which `card_csv_records` yields
STAGING_SQL = """
CREATE TEMPORARY TABLE monitoring_staging (
    line_number bigint NOT NULL,
    posted_on date NOT NULL,
    amount_pence bigint NOT NULL,
    description text NOT NULL,
    merchant text NOT NULL,
    merchant_category_code text NOT NULL,
    balance_pence bigint,
    account_reference text NOT NULL,
    dedup_key uuid NOT NULL,
    provider_transaction_id text NOT NULL
) ON COMMIT DROP
"""
#: Rows are sent to COPY in batches of about this many characters: at most psycopg's largest single
#: write (128 KiB), and its writer thread queues at most 1,024 of them (so memory stays bounded).
COPY_BATCH_CHARS = 120 * 1024
_LINE_FIELDS = attrgetter(*STAGING_COLUMNS.split(", "))
#: COPY's text format gives these characters a meaning; a value holding one is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_NULL = "\\N"  # COPY's NULL


def _copy_text(value: str) -> str:
    """A text value for COPY's text format (most values need nothing done)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


class CountingReader:
    """A binary stream that counts the bytes read through it (for progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._raw.readline(size)
        self.bytes_read += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False


@dataclass
class ImportResult:
    lines_read: int = 0
    lines_added: int = 0
    duplicates: int = 0
    unexplained: int = 0
    contributions_matched: int = 0
    first_posted_on: dt.date | None = None
    last_posted_on: dt.date | None = None
    account_ids: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for the log and the benchmark


ProgressCallback = Callable[[int, int], None]


class ProgressWriter:
    """Writes progress on its own connection, never waiting for a lock (the import row may be locked
    by a test's or a caller's transaction: then progress is simply not shown)."""

    def __init__(self, import_id: int) -> None:
        self._import_id = import_id
        self._connection = connections.create_connection("default")

    def __call__(self, lines_read: int, bytes_read: int) -> None:
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    """
                    UPDATE monitoring_statementimport SET lines_read = %s, bytes_read = %s
                     WHERE id IN (SELECT id FROM monitoring_statementimport WHERE id = %s FOR UPDATE SKIP LOCKED)
                    """,
                    [lines_read, bytes_read, self._import_id],
                )
            self._connection.commit()
        except Exception:  # progress is a courtesy: never fail an import because of it
            logger.exception("Could not record the progress of statement import %s", self._import_id)

    def close(self) -> None:
        self._connection.close()


def _records(imp: StatementImport, reader: CountingReader, mapping: ColumnMapping | None) -> Iterator[tuple[Any, ...]]:
    """The file's lines as tuples in `STAGING_COLUMNS` order: our card CSV straight from its fast path,
    any other format through `parse_statement`."""
    if imp.format == "card_csv":
        return card_csv_records(reader, file_name=imp.file_name)  # type: ignore[arg-type]
    account_reference = account_statement_reference(imp.account) if imp.account is not None else None
    lines = parse_statement(
        imp.format,  # type: ignore[arg-type]
        reader,  # type: ignore[arg-type]
        file_name=imp.file_name,
        mapping=mapping,
        account_reference=account_reference,
        encoding=imp.encoding or None,
    )
    return map(_LINE_FIELDS, lines)


def _copy_lines(
    cursor: Any,
    records: Iterator[tuple[Any, ...]],
    *,
    reader: CountingReader,
    progress: ProgressCallback | None,
    result: ImportResult,
) -> None:
    """COPY the records into staging, formatted here in COPY's text format and sent in large batches
    (much cheaper per row than psycopg's `write_row`)."""
    count = 0
    first: dt.date | None = None
    last: dt.date | None = None
    text = _copy_text
    batch: list[str] = []
    size = 0
    # A writer thread sends each batch while this one parses the next (the socket wait releases the GIL).
    writer = QueuedLibpqWriter(cursor)
    with cursor.copy(f"COPY monitoring_staging ({STAGING_COLUMNS}) FROM STDIN", writer=writer) as copy:
        for line_number, on, amount, description, merchant, mcc, balance, reference, key, tid in records:
            row = (
                f"{line_number}\t{on.isoformat()}\t{amount}\t{text(description)}\t{text(merchant)}\t"
                f"{text(mcc) if mcc else ''}\t{_NULL if balance is None else balance}\t{text(reference)}\t{key}\t"
                f"{text(tid) if tid else ''}\n"
            )
            batch.append(row)
            size += len(row)
            if size >= COPY_BATCH_CHARS:
                copy.write("".join(batch))
                batch.clear()
                size = 0
            if first is None or on < first:
                first = on
            if last is None or on > last:
                last = on
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, reader.bytes_read)
        if batch:
            copy.write("".join(batch))
    result.lines_read = count
    result.first_posted_on, result.last_posted_on = first, last
    if progress is not None:
        progress(count, reader.bytes_read)


class _NotPlain(Exception):
    """The card file is not one the database-side fast path can take: the parser reads it instead."""


RAW_COLUMNS = tuple(card_csv.HEADER)
FAST_CHUNK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"


_QUOTE, _COMMA, _CR, _LF = 34, 44, 13, 10


class _QuoteScanner:
    """Checks, a chunk at a time, that the file's double quotes are used only the way PostgreSQL's CSV reader
    and Python's (`csv.reader(strict=True)`, the parser's) agree on: a quote opens a value only as its first
    character, inside a quoted value a quote is doubled or closes the value just before a comma or the end of
    the line, and a quoted value holds no line break (so a row's physical line is still its number + 1).
    Anything else (a quote inside an unquoted value, text after a closing quote, a line break inside quotes,
    an unclosed quote) makes the fast path step aside. Only the quotes are looked at, so it costs next to
    nothing when there are none."""

    def __init__(self) -> None:
        self.inside = False
        self.previous = _LF  # the byte before the data (the header's line end)
        self.quote_at_end = False  # inside a value, the last chunk ended with a quote: closing or doubled?

    def feed(self, data: bytes) -> bool:
        i, n = 0, len(data)
        if self.quote_at_end and n:
            self.quote_at_end = False
            if data[0] == _QUOTE:
                i = 1  # a doubled quote: still inside
            elif data[0] in (_COMMA, _CR, _LF):
                self.inside = False
            else:
                return False
        while i < n:
            j = data.find(b'"', i)
            if not self.inside:
                if j == -1:
                    break
                if (data[j - 1] if j else self.previous) not in (_COMMA, _LF):
                    return False
                self.inside, i = True, j + 1
                continue
            end = n if j == -1 else j
            if data.find(b"\n", i, end) != -1 or data.find(b"\r", i, end) != -1:
                return False
            if j == -1:
                break
            if j + 1 == n:
                self.quote_at_end = True
                break
            if data[j + 1] == _QUOTE:
                i = j + 2
            elif data[j + 1] in (_COMMA, _CR, _LF):
                self.inside, i = False, j + 1
            else:
                return False
        if n:
            self.previous = data[-1]
        return True

    def finish(self) -> bool:
        """True when the file ended outside a quoted value (a closing quote may be the very last byte)."""
        return not self.inside or self.quote_at_end


def _copy_card_csv_in_database(
    cursor: Any,
    imp: StatementImport,
    reader: CountingReader,
    *,
    progress: ProgressCallback | None,
    result: ImportResult,
) -> None:
    """Our card CSV the fast way: PostgreSQL parses it, checks every high-volume value and builds the staging
    table, so no Python runs per line. Raises `_NotPlain` for any file it cannot vouch for; the caller then
    rolls back to a savepoint and reads the file with `card_csv_records`, which gives the exact error (or the
    same lines, for a valid file the fast path declined).

    It accepts only what `card_csv_records` accepts *unchanged* (its quick checks, here as SQL regular
    expressions or Python over the few distinct values), and builds the same staging rows, dedup keys
    included (`test_card_import_fast_path` compares both ways on generated files):

    * quotes only as both CSV readers read them alike, and no line break inside a quoted value
      (`_QuoteScanner`), so the physical line of a row is its number + 1; no ``\\.`` (COPY's end-of-data
      marker); every line a row of nine values (a blank line or a short row makes COPY fail); valid UTF-8
      (else COPY fails);
    * record types TXN then one TRAILER last; transaction ids and amounts by the parser's patterns, amounts
      and balances within the limit; the distinct dates, card accounts, merchants, descriptions and codes
      through the parser's own quick checks; the trailer through its own check.
    """
    head = reader.readline()
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    if not head.endswith(b"\n") or b'"' in head:
        raise _NotPlain
    try:
        names = head.decode("utf-8").rstrip("\r\n").split(",")
        columns = card_csv.header_columns(names, file_name=imp.file_name)
    except (UnicodeDecodeError, StatementFormatError):
        raise _NotPlain from None
    in_file_order = [name for name, _ in sorted(columns.items(), key=lambda item: item[1])]
    cursor.execute(
        "CREATE TEMPORARY TABLE monitoring_raw (seq bigint GENERATED ALWAYS AS IDENTITY, "
        + ", ".join(f"{name} text NOT NULL" for name in RAW_COLUMNS)
        + ") ON COMMIT DROP"
    )
    listed = ", ".join(in_file_order)
    started = time.monotonic()
    lines = 0  # rows after the header, for progress (the trailer is taken off at the end)
    try:
        with cursor.copy(
            f"COPY monitoring_raw ({listed}) FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8', FORCE_NOT_NULL ({listed}))"
        ) as copy:
            quotes = _QuoteScanner()
            last = b""
            while chunk := reader.read(FAST_CHUNK_BYTES):
                if b"\\." in chunk or (last == b"\\" and chunk[:1] == b".") or not quotes.feed(chunk):
                    raise _NotPlain
                copy.write(chunk)
                last = chunk[-1:]
                lines += chunk.count(b"\n")
                if progress is not None:
                    progress(lines, reader.bytes_read)
            if not quotes.finish():
                raise _NotPlain
    except psycopg.Error:  # a short or long row, a blank line, bytes that are not UTF-8 ...
        raise _NotPlain from None
    result.timings["copy_raw"] = round(time.monotonic() - started, 2)
    # 1. The few distinct values of the low-volume columns, through the parser's own quick checks. A value from
    # the trailer row is checked too: the parser wants its extra columns empty, which passes every check here.
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("record_type", lambda v: v in (card_csv.TXN, card_csv.TRAILER)),
        ("posted_on", lambda v: v == "" or card_csv.plain_date(v, imp.file_name) is not None),
        ("card_account_reference", lambda v: v == "" or card_csv.is_card_account(v)),
        ("merchant_name", lambda v: card_csv.is_plain_text(v, card_csv.MAX_MERCHANT_LENGTH)),
        ("description", lambda v: card_csv.is_plain_text(v, MAX_TEXT_LENGTH)),
        ("merchant_category_code", card_csv.is_plain_mcc),
    )
    grouped = ", ".join(name for name, _ in checks)
    cursor.execute(
        f"SELECT GROUPING({grouped}), coalesce({grouped}) FROM monitoring_raw "
        f"GROUP BY GROUPING SETS ({', '.join(f'({name})' for name, _ in checks)})"
    )
    # GROUPING() sets a bit for every column left out of a row's set, the first column's the highest.
    every = (1 << len(checks)) - 1
    check_of = {every ^ (1 << (len(checks) - 1 - i)): check for i, (_, check) in enumerate(checks)}
    date_set = every ^ (1 << (len(checks) - 2))
    dates: list[dt.date] = []
    for grouping, value in cursor.fetchall():
        if not check_of[grouping](value):
            raise _NotPlain
        if grouping == date_set and value:
            dates.append(dt.date.fromisoformat(value))
    result.timings["distinct_checks"] = round(time.monotonic() - started - result.timings["copy_raw"], 2)
    # 2. Typed staging rows, each high-volume value checked once on the way (a value that fails leaves a
    # NULL and a false flag), in account and date order (the order the insert writes the indexes in). The
    # dedup key is `id_dedup_key`'s: SHA-256 of the same text, its first 128 bits.
    cursor.execute(
        """
        CREATE TEMPORARY TABLE monitoring_staging ON COMMIT DROP AS
        SELECT line_number, posted_on, amount_pence, description, merchant, merchant_category_code,
               balance_pence, account_reference,
               CASE WHEN checked THEN encode(substring(sha256(convert_to(concat_ws(chr(31), %(version)s, 'id',
                   account_reference, posted_on, amount_pence::text, provider_transaction_id), 'UTF8')) FROM 1 FOR 16),
                   'hex')::uuid END AS dedup_key,
               provider_transaction_id, checked
          FROM (
            SELECT seq + 1 AS line_number,
                   CASE WHEN record_type = 'TXN' AND posted_on <> '' THEN posted_on::date END AS posted_on,
                   CASE WHEN amount_ok THEN replace(amount, '.', '')::bigint END AS amount_pence,
                   description, merchant_name AS merchant, merchant_category_code,
                   CASE WHEN balance_ok AND balance <> '' THEN replace(balance, '.', '')::bigint END AS balance_pence,
                   card_account_reference AS account_reference, transaction_id AS provider_transaction_id,
                   record_type = 'TXN' AND posted_on <> '' AND card_account_reference <> '' AND id_ok AND amount_ok
                       AND balance_ok AS checked
              FROM (
                SELECT seq, record_type, posted_on, amount, balance, description, merchant_name,
                       merchant_category_code, card_account_reference, transaction_id,
                       transaction_id ~ %(id)s AND length(transaction_id) <= %(id_length)s AS id_ok,
                       amount ~ %(pounds)s AND length(ltrim(amount, '-')) <= %(pounds_length)s AS amount_ok,
                       balance = '' OR (balance ~ %(pounds)s AND length(ltrim(balance, '-')) <= %(pounds_length)s)
                           AS balance_ok
                  FROM monitoring_raw
                OFFSET 0  -- each subquery kept whole (not merged outwards), so each check runs once a line
              ) flagged
            OFFSET 0
          ) typed
         ORDER BY account_reference, posted_on
        """,
        {
            "version": DEDUP_VERSION,
            "id": card_csv.TRANSACTION_ID_PATTERN,
            "id_length": card_csv.TRANSACTION_ID_MAX_LENGTH,
            "pounds": card_csv.PLAIN_POUNDS_PATTERN,
            "pounds_length": card_csv.PLAIN_POUNDS_MAX_UNSIGNED_LENGTH,
        },
    )
    result.timings["staged"] = round(time.monotonic() - started - result.timings["copy_raw"], 2)
    # 3. Every line checked, the one line that is not is the last, and the totals for the trailer.
    cursor.execute(
        """
        SELECT count(*) FILTER (WHERE checked), count(*) FILTER (WHERE NOT checked), max(line_number),
               max(line_number) FILTER (WHERE NOT checked), sum(amount_pence) FILTER (WHERE checked),
               max(abs(amount_pence)) FILTER (WHERE checked), max(abs(balance_pence)) FILTER (WHERE checked)
          FROM monitoring_staging
        """
    )
    txns, others, last_line, trailer_line, total, biggest, biggest_balance = cursor.fetchone()
    if others != 1 or trailer_line != last_line or (biggest or 0) > MAX_PENCE or (biggest_balance or 0) > MAX_PENCE:
        raise _NotPlain
    cursor.execute(f"SELECT {', '.join(RAW_COLUMNS)} FROM monitoring_raw WHERE seq = %s", [trailer_line - 1])
    trailer = dict(zip(RAW_COLUMNS, cursor.fetchone(), strict=True))
    if trailer["record_type"] != card_csv.TRAILER:
        raise _NotPlain
    try:
        card_csv.check_trailer(trailer, file_name=imp.file_name, line=trailer_line, count=txns, total=int(total or 0))
    except StatementFormatError:
        raise _NotPlain from None
    cursor.execute("DELETE FROM monitoring_staging WHERE NOT checked")
    cursor.execute("DROP TABLE monitoring_raw")
    result.lines_read = txns
    if dates:
        result.first_posted_on, result.last_posted_on = min(dates), max(dates)
    if progress is not None:
        progress(txns, reader.bytes_read)


def _first_line_for(cursor: Any, reference: str) -> int:
    cursor.execute("SELECT min(line_number) FROM monitoring_staging WHERE account_reference = %s", [reference])
    return int(cursor.fetchone()[0])


def _resolve_accounts(cursor: Any, imp: StatementImport) -> dict[str, int]:
    """Account reference in the file -> account id; a reference for no account is an error naming the line."""
    cursor.execute("SELECT DISTINCT account_reference FROM monitoring_staging")
    references = sorted(row[0] for row in cursor.fetchall())
    resolved: dict[str, int] = {}
    if imp.account_id is not None:
        account = imp.account
        assert account is not None
        accepted = account_statement_references(account)
        for reference in references:
            cleaned = "".join(ch for ch in reference if ch.isalnum()).upper()
            if reference in accepted or any(cleaned.endswith(a) for a in accepted if a.isdigit() and len(a) >= 8):
                resolved[reference] = account.pk
                continue
            raise StatementFormatError(
                imp.file_name,
                _first_line_for(cursor, reference),
                "account_reference",
                f"{reference!r} is not the account this statement was uploaded for ({account})",
            )
        return resolved
    known = dict(
        DirectPaymentAccount.objects.filter(card_account_reference__in=references).values_list(
            "card_account_reference", "pk"
        )
    )
    known.update(
        DirectPaymentAccount.objects.filter(client_reference__in=set(references) - set(known))
        .exclude(client_reference="")
        .values_list("client_reference", "pk")
    )
    for reference in references:
        if reference not in known:
            raise StatementFormatError(
                imp.file_name,
                _first_line_for(cursor, reference),
                "account_reference",
                f"{reference!r} is not the reference of any direct payment account (for a bank statement, "
                "choose the account when uploading)",
            )
        resolved[reference] = known[reference]
    return resolved


def _categorise(cursor: Any, references: dict[str, int]) -> None:
    """Categorise each distinct (categoriser, merchant, description, code, direction) once, into a temp table."""
    account_ids = sorted(set(references.values()))
    groups, categorisers = categorisers_for_accounts(account_ids, on=clock.today())
    cursor.execute(
        "CREATE TEMPORARY TABLE monitoring_refmap (account_reference text PRIMARY KEY, account_id bigint NOT NULL, "
        "grp integer NOT NULL) ON COMMIT DROP"
    )
    with cursor.copy("COPY monitoring_refmap (account_reference, account_id, grp) FROM STDIN") as copy:
        for reference, account_id in references.items():
            copy.write_row((reference, account_id, groups[account_id]))
    cursor.execute("ANALYZE monitoring_staging")
    cursor.execute("ANALYZE monitoring_refmap")
    cursor.execute(
        """
        CREATE TEMPORARY TABLE monitoring_cat (
            grp integer NOT NULL, merchant text NOT NULL, description text NOT NULL,
            merchant_category_code text NOT NULL, money_in boolean NOT NULL,
            status text NOT NULL, category text NOT NULL, plan_line_id bigint, payee_ref text NOT NULL,
            matched_by text NOT NULL, rule_ref text NOT NULL, reason text NOT NULL
        ) ON COMMIT DROP
        """
    )
    # Read the distinct combinations through a server-side cursor (memory flat), write them by COPY.
    # Read the distinct combinations through a server-side cursor a batch at a time (memory flat) and
    # write each batch's results by COPY (a COPY cannot run while a FETCH is open, so they alternate).
    raw = connection.connection
    with raw.cursor(name="monitoring_distinct") as distinct, raw.cursor() as writer:
        distinct.execute(
            """
            SELECT DISTINCT r.grp, s.merchant, s.description, s.merchant_category_code, s.amount_pence >= 0
              FROM monitoring_staging s JOIN monitoring_refmap r USING (account_reference)
            """
        )
        while batch := distinct.fetchmany(CATEGORISE_BATCH):
            with writer.copy(
                "COPY monitoring_cat (grp, merchant, description, merchant_category_code, money_in, status, "
                "category, plan_line_id, payee_ref, matched_by, rule_ref, reason) FROM STDIN"
            ) as copy:
                for grp, merchant, description, mcc, money_in in batch:
                    result = categorisers[grp].categorise(
                        _Line(1 if money_in else -1, merchant, description, mcc or None)
                    )
                    copy.write_row(
                        (
                            grp,
                            merchant,
                            description,
                            mcc,
                            money_in,
                            result.status,
                            result.category.value if result.category else "",
                            int(result.plan_line_id) if result.plan_line_id else None,
                            result.payee_id or "",
                            result.matched_by,
                            result.rule_id or "",
                            result.reason[:500],
                        )
                    )
    cursor.execute("ANALYZE monitoring_cat")


@dataclass(frozen=True, slots=True)
class _Line:
    amount_pence: int
    merchant: str
    description: str
    merchant_category_code: str | None


#: Advisory lock (two-key form; `services.IMPORT_LOCK_NAMESPACE` is 5301) held by the import writing its
#: lines, so two imports never write at once and each sees every line the other wrote.
WRITE_LOCK = (5302, 0)


def _insert(cursor: Any, imp: StatementImport, *, first_posted_on: dt.date, last_posted_on: dt.date) -> tuple[int, int]:
    """Insert the new lines; (lines added, of which unexplained), counted as they are written.

    A line already stored (same account, date and dedup key) is skipped by an anti-join rather than
    ``ON CONFLICT``: much cheaper per line, and safe because every import takes `WRITE_LOCK` first, so the
    statement's snapshot (taken after the lock) holds every line any other import wrote. The unique index
    still refuses a duplicate from any other writer. A line repeated within the file (rare: a provider
    resending a line) makes the first attempt fail on that index; it is then redone keeping the first of
    each, which needs a sort of every line, so it is not done every time.
    """
    cursor.execute("SET LOCAL work_mem = '256MB'")  # the hash joins and the sort below, in memory
    # Hash joins only: the planner may think the transactions table (or the lines in the file's dates) nearly
    # empty, and a nested-loop anti-join rescanning a table this very statement is filling is quadratic.
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", WRITE_LOCK)
    params = {
        "import_id": imp.pk,
        "unexplained": TransactionStatus.UNEXPLAINED.value,
        "first": first_posted_on,
        "last": last_posted_on,
    }
    try:
        with transaction.atomic():
            cursor.execute(INSERT_SQL.format(distinct="", order=""), params)
    except (IntegrityError, psycopg.errors.UniqueViolation):  # the raw cursor raises psycopg's own
        cursor.execute(
            INSERT_SQL.format(
                distinct="DISTINCT ON (r.account_id, s.posted_on, s.dedup_key)",
                order="ORDER BY r.account_id, s.posted_on, s.dedup_key, s.line_number",
            ),
            params,
        )
    added, unexplained = cursor.fetchone()
    cursor.execute("SET LOCAL enable_nestloop = DEFAULT")
    return int(added), int(unexplained)


#: Staging lines come in account and date order (the fast path sorts them; other files are small), so the
#: index entries for each account are written together.
INSERT_SQL = """
WITH added AS (
INSERT INTO monitoring_transaction (
    account_id, posted_on, amount_pence, description, merchant, merchant_category_code, balance_pence,
    dedup_key, provider_transaction_id, statement_import_id, line_number,
    status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
SELECT {distinct}
       r.account_id, s.posted_on, s.amount_pence, left(s.description, 500), left(s.merchant, 500),
       s.merchant_category_code, s.balance_pence, s.dedup_key, left(s.provider_transaction_id, 100),
       %(import_id)s, s.line_number, c.status, c.category, c.plan_line_id, c.payee_ref, c.matched_by, c.rule_ref,
       c.reason
  FROM monitoring_staging s
  JOIN monitoring_refmap r USING (account_reference)
  JOIN monitoring_cat c
    ON c.grp = r.grp AND c.merchant = s.merchant AND c.description = s.description
   AND c.merchant_category_code = s.merchant_category_code AND c.money_in = (s.amount_pence >= 0)
 WHERE NOT EXISTS (
       SELECT 1 FROM monitoring_transaction t
        WHERE t.account_id = r.account_id AND t.posted_on = s.posted_on AND t.dedup_key = s.dedup_key
          AND t.posted_on BETWEEN %(first)s AND %(last)s)  -- only the file's dates go into the hash
 {order}
RETURNING status
)
SELECT count(*), count(*) FILTER (WHERE status = %(unexplained)s) FROM added
"""


def _match_contributions(imp: StatementImport, *, actor: Any) -> int:
    """Money paid in described as a contribution, on a net-basis schedule paid into that account, is
    recorded as the contribution received (posted to the ledger by the payments service)."""
    from dp.monitoring.models import Transaction
    from dp.payments.services import contribution_receipt_record

    mentions = Q()
    for word in CONTRIBUTION_WORDS:  # a cheap filter in the database; the words are checked exactly below
        mentions |= Q(description__icontains=word) | Q(merchant__icontains=word)
    candidates = list(
        Transaction.objects.filter(
            mentions,
            statement_import=imp,
            amount_pence__gt=0,
            contribution_receipt__isnull=True,
            posted_on__lte=clock.today(),
        )
        .select_related("account")
        .order_by("posted_on", "line_number")
    )
    candidates = [
        t
        for t in candidates
        if any(word in normalise_words(f"{t.merchant} {t.description}") for word in CONTRIBUTION_WORDS)
    ]
    if not candidates:
        return 0
    schedules: dict[int, PaymentSchedule] = {}
    for running in PaymentSchedule.objects.filter(
        account_id__in={t.account_id for t in candidates}, basis=Basis.NET
    ).exclude(status=ScheduleStatus.ENDED):
        schedules.setdefault(running.account_id or 0, running)
    matched = 0
    for line in candidates:
        schedule = schedules.get(line.account_id)
        if schedule is None:
            continue
        receipt = contribution_receipt_record(
            actor=actor,
            schedule=schedule,
            received_on=line.posted_on,
            amount_pence=line.amount_pence,
            reference=f"Statement {imp.file_name} line {line.line_number}"[:100],
        )
        line.contribution_receipt = receipt
        line.reason = f"Contribution paid in, recorded for schedule {schedule.reference}"
        line.save(update_fields=["contribution_receipt", "reason"])
        matched += 1
    return matched


def _reconcile(cursor: Any, imp: StatementImport) -> None:
    """Per account: the file's last balance against the ledger on that date.

    The ledger knows the money paid into the account (payments, contributions, less refunds and
    recoveries raised: `person:<id>:dp_account` + `recoveries_due`); spending is not in the ledger, so
    the expected balance subtracts the spending on every statement imported for the account up to that
    date. A difference means money in or out that neither explains (or statements missing).
    """
    cursor.execute(
        """
        WITH last_line AS (
            SELECT DISTINCT ON (r.account_id) r.account_id, s.posted_on, s.balance_pence
              FROM monitoring_staging s JOIN monitoring_refmap r USING (account_reference)
             WHERE s.balance_pence IS NOT NULL
             ORDER BY r.account_id, s.posted_on DESC, s.line_number DESC
        )
        SELECT l.account_id, l.posted_on, l.balance_pence,
               coalesce((SELECT sum(e.debit_pence - e.credit_pence)
                           FROM ledger_entry e
                           JOIN ledger_account la ON la.id = e.account_id
                           JOIN ledger_journal j ON j.id = e.journal_id
                          WHERE la.key IN ('person:' || a.person_id || ':dp_account',
                                           'person:' || a.person_id || ':recoveries_due')
                            AND j.posted_on <= l.posted_on), 0),
               coalesce((SELECT sum(t.amount_pence) FROM monitoring_transaction t
                          WHERE t.account_id = l.account_id AND t.posted_on <= l.posted_on
                            AND t.amount_pence < 0), 0)
          FROM last_line l JOIN payments_directpaymentaccount a ON a.id = l.account_id
        """
    )
    rows = [
        StatementReconciliation(
            statement_import=imp,
            account_id=account_id,
            balance_on=on,
            statement_balance_pence=balance,
            ledger_balance_pence=int(ledger) + int(spent),
            difference_pence=balance - (int(ledger) + int(spent)),
        )
        for account_id, on, balance, ledger, spent in cursor.fetchall()
    ]
    StatementReconciliation.objects.filter(statement_import=imp).delete()
    StatementReconciliation.objects.bulk_create(rows)


def load_statement(
    imp: StatementImport,
    stream: IO[bytes],
    *,
    actor: Any,
    mapping: ColumnMapping | None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Load `imp`'s file into the transactions table. Must run inside a transaction (see the module docstring)."""
    result = ImportResult()
    reader = CountingReader(stream)
    clock_started = time.monotonic()

    def lap(phase: str) -> None:
        nonlocal clock_started
        now = time.monotonic()
        result.timings[phase] = round(now - clock_started, 2)
        clock_started = now

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        # ON COMMIT DROP cleans up; dropping first also lets two imports share one outer transaction.
        cursor.execute(DROP_SQL)
        loaded = False
        if imp.format == "card_csv" and stream.seekable():
            try:
                with transaction.atomic():  # a savepoint: a file the fast path declines leaves nothing behind
                    _copy_card_csv_in_database(cursor, imp, reader, progress=progress, result=result)
                loaded = True
            except _NotPlain:
                logger.info("Statement import %s: read by the parser (not a plain card file)", imp.pk)
                stream.seek(0)
                reader = CountingReader(stream)
                result = ImportResult()
        if not loaded:
            cursor.execute(STAGING_SQL)
            _copy_lines(cursor, _records(imp, reader, mapping), reader=reader, progress=progress, result=result)
        result.timings["fast_path"] = 1.0 if loaded else 0.0
        lap("parse_and_copy")
        if result.lines_read:
            references = _resolve_accounts(cursor, imp)
            lap("accounts")
            _categorise(cursor, references)
            lap("categorise")
            # Contribution matching (below) changes no status, so the unexplained count is final here.
            assert result.first_posted_on is not None
            assert result.last_posted_on is not None
            result.lines_added, result.unexplained = _insert(
                cursor, imp, first_posted_on=result.first_posted_on, last_posted_on=result.last_posted_on
            )
            lap("insert")
            result.account_ids = sorted(set(references.values()))
        result.duplicates = result.lines_read - result.lines_added
    if result.lines_added:
        result.contributions_matched = _match_contributions(imp, actor=actor)
    with connection.cursor() as django_cursor:
        if result.lines_read:
            _reconcile(django_cursor.cursor, imp)
        django_cursor.execute(DROP_SQL)
    lap("contributions_and_reconcile")
    logger.info("Statement import %s: %s", imp.pk, result.timings)
    return result
