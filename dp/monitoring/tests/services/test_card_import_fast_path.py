"""The card CSV's database-side fast path stores exactly what the parser would, or steps aside.

`importer._copy_card_csv_in_database` lets PostgreSQL parse and check our card CSV. It must never accept
a file the parser (`card_csv_records`) refuses, and for a file it accepts it must store the same lines,
line numbers and dedup keys. Each generated file is imported twice, with the fast path and with the
parser only, and the stored lines compared; files with text the parser would clean, quotes, a byte-order
mark or bare line feeds are generated too, and whether the fast path took the file is checked where it
must (a plain file) or must not (anything it cannot vouch for).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dp.monitoring import importer, services
from dp.monitoring.constants import ImportStatus
from dp.monitoring.domain.statements import StatementFormatError, parse_card_csv
from dp.monitoring.models import StatementImport, Transaction
from dp.monitoring.tests.domain.statement_files import Txn, card_csv

FIELDS = (
    "account_id",
    "posted_on",
    "amount_pence",
    "description",
    "merchant",
    "merchant_category_code",
    "balance_pence",
    "dedup_key",
    "provider_transaction_id",
    "line_number",
    "status",
    "category",
    "matched_by",
    "reason",
)

plain_words = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789&'.-/é", min_size=1, max_size=8
)
# Text the parser cleans or that needs quoting: doubled or edge spaces, commas, quotes.
awkward = st.sampled_from(["  Corner  Shop", "Shop ", " Shop", "Smith, J", 'The "Best" Cafe', "Café Lumière"])
texts = st.one_of(st.lists(plain_words, min_size=1, max_size=3).map(" ".join), awkward, st.just(""))


@st.composite
def card_files(draw: st.DrawFn) -> tuple[bytes, bool]:
    """(file, whether only plain values were used)."""
    start = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 6, 30)))
    n = draw(st.integers(min_value=1, max_value=8))
    txns = []
    for i in range(n):
        txns.append(
            Txn(
                posted_on=start + dt.timedelta(days=draw(st.integers(0, 40))),
                amount_pence=draw(st.integers(min_value=-(10**9), max_value=10**9)),
                description=draw(texts),
                merchant=draw(texts),
                ident=draw(st.sampled_from([f"TX-{i:05d}", f"a.b/c:{i}", f"{i}_X"])),
                mcc=draw(st.sampled_from([None, "5411", "6011", "0742"])),
            )
        )
    data = card_csv(txns, opening=draw(st.integers(min_value=-1000, max_value=10**6)))
    cleaned = ("  Corner  Shop", "Shop ", " Shop")  # the parser would change these: the fast path steps aside
    plain = all(t.description not in cleaned and t.merchant not in cleaned for t in txns)
    if draw(st.booleans()):
        data = data.replace(b"\r\n", b"\n")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, plain


_FAST_PATH = importer._copy_card_csv_in_database


def _import(accounts: Any, actor: Any, data: bytes, *, fast: bool, monkeypatch: Any) -> tuple[StatementImport, bool]:
    taken: list[bool] = []
    original = _FAST_PATH

    def spy(*args: Any, **kwargs: Any) -> None:
        if not fast:
            raise importer._NotPlain
        original(*args, **kwargs)
        taken.append(True)

    monkeypatch.setattr(importer, "_copy_card_csv_in_database", spy)
    imp = services.statement_import_create(
        actor=actor, file=ContentFile(data, name="card.csv"), statement_format="card_csv", run_in_background=False
    )
    return services.statement_import_run(import_id=imp.pk, show_progress=False), bool(taken)


def _stored() -> list[tuple[Any, ...]]:
    return sorted(Transaction.objects.values_list(*FIELDS))


@pytest.mark.django_db
class TestFastPathStoresWhatTheParserWould:
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=card_files())
    def test_the_same_lines_either_way(self, accounts, staff, monkeypatch, case):
        data, plain = case
        actor = staff["payments_officer"]
        Transaction.objects.all().delete()  # examples share the test's transaction
        fast, took_fast_path = _import(accounts, actor, data, fast=True, monkeypatch=monkeypatch)
        with_fast_path = _stored()
        Transaction.objects.all().delete()
        slow, _ = _import(accounts, actor, data, fast=False, monkeypatch=monkeypatch)
        assert (fast.status, fast.error_message) == (slow.status, slow.error_message)
        assert (fast.lines_read, fast.lines_added, fast.first_posted_on, fast.last_posted_on) == (
            slow.lines_read,
            slow.lines_added,
            slow.first_posted_on,
            slow.last_posted_on,
        )
        assert with_fast_path == _stored()
        # Plain files go the fast way, quoted values included; text the parser would clean does not.
        assert took_fast_path == plain
        Transaction.objects.all().delete()

    def test_dedup_keys_match_the_parsers(self, accounts, staff, monkeypatch):
        data = card_csv(
            [Txn(dt.date(2026, 5, 2), -1250, "Card purchase", "Brambles Pharmacy", "TX-0002", "5912")],
            account="CARD-0001",
        )
        _, took = _import(accounts, staff["payments_officer"], data, fast=True, monkeypatch=monkeypatch)
        assert took
        (line,) = parse_card_csv(io.BytesIO(data), file_name="card.csv")
        assert Transaction.objects.get().dedup_key.hex == line.dedup_key


GOOD = card_csv([Txn(dt.date(2026, 5, d), -100 * d, "Card purchase", "Shop", f"TX-{d}", "5411") for d in (1, 2, 3)])


@pytest.mark.django_db
class TestFilesTheFastPathRefuses:
    """Each gives the parser's own error (file, line, field) and writes nothing."""

    @pytest.mark.parametrize(
        ("label", "data"),
        [
            ("fraction of a penny", GOOD.replace(b"-2.00", b"-2.001")),
            ("id too long", GOOD.replace(b"TX-2,", b"T" + b"X" * 64 + b",")),
            ("id with a space", GOOD.replace(b"TX-2,", b"TX 2,")),
            ("more than the limit", GOOD.replace(b"-2.00", b"-10000000001.00")),
            ("not a real date", GOOD.replace(b"2026-05-02", b"2026-02-30")),
            ("date with a time", GOOD.replace(b"2026-05-02", b"2026-05-02T10")),
            ("trailer count wrong", GOOD.replace(b"TRAILER,3,", b"TRAILER,4,")),
            ("trailer total wrong", GOOD.replace(b",-6.00,", b",-6.01,")),
            ("no trailer", GOOD[: GOOD.index(b"TRAILER")]),
            ("line after the trailer", GOOD + b"TXN,TX-9,CARD-0001,2026-05-09,-1.00,,Shop,5411,x\r\n"),
            ("a blank line inside", GOOD.replace(b"\r\nTXN,TX-2", b"\r\n\r\nTXN,TX-2")),
            ("a short row", GOOD.replace(b",Shop,5411,Card purchase\r\nTXN,TX-2", b",Shop,5411\r\nTXN,TX-2")),
            ("an unknown record type", GOOD.replace(b"TXN,TX-2", b"TXX,TX-2")),
            ("bytes that are not UTF-8", GOOD.replace(b"Shop", b"Sh\xffp", 1)),
            ("end-of-data marker", GOOD.replace(b"\r\nTXN,TX-2", b"\r\n\\.\r\nTXN,TX-2")),
            ("mcc of three digits", GOOD.replace(b",5411,", b",541,", 1)),
            ("a quote inside an unquoted value", GOOD.replace(b",Shop,", b',Sh"op,', 1)),
            ("text after a closing quote", GOOD.replace(b",Shop,", b',"Sh"op,', 1)),
            ("a line break inside quotes", GOOD.replace(b",Shop,", b',"Sh\r\nop",', 1)),
            ("a quote never closed", GOOD.replace(b",Shop,", b',"Shop,', 1)),
            ("a space before the opening quote", GOOD.replace(b",Shop,", b', "Shop",', 1)),
        ],
    )
    def test_the_parsers_error(self, accounts, staff, monkeypatch, label, data):
        try:
            list(parse_card_csv(io.BytesIO(data), file_name="card.csv"))
        except StatementFormatError as exc:
            expected: str | None = exc.message
        else:
            expected = None
        imp, took = _import(accounts, staff["payments_officer"], data, fast=True, monkeypatch=monkeypatch)
        assert not took, label
        if expected is None:  # the parser takes it (a three-digit code is padded): so does the import
            assert imp.status == ImportStatus.DONE, label
        else:
            assert (imp.status, imp.error_message) == (ImportStatus.FAILED, expected), label
            assert Transaction.objects.count() == 0


@pytest.mark.django_db
class TestALineRepeatedInOneFile:
    @pytest.mark.parametrize("fast", [True, False])
    def test_is_stored_once(self, accounts, staff, monkeypatch, fast):
        line = Txn(dt.date(2026, 5, 2), -1250, "Card purchase", "Brambles Pharmacy", "TX-0002", "5912")
        other = Txn(dt.date(2026, 5, 3), -300, "Card purchase", "Corner Shop", "TX-0003", "5411")
        imp, took = _import(
            accounts, staff["payments_officer"], card_csv([line, other, line]), fast=fast, monkeypatch=monkeypatch
        )
        assert took == fast
        assert (imp.status, imp.lines_read, imp.lines_added, imp.duplicates) == (ImportStatus.DONE, 3, 2, 1)
        assert Transaction.objects.get(provider_transaction_id="TX-0002").line_number == 2  # the first kept


class TestQuoteScanner:
    """The quote check gives the same verdict however the file is cut into chunks."""

    @settings(max_examples=200, deadline=None)
    @given(
        data=st.lists(
            st.sampled_from([b'"', b'""', b",", b"\r\n", b"\n", b"ab", b"x y", b'"a,b"', b'"a""b"']), max_size=30
        ).map(b"".join),
        cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
    )
    def test_chunking_does_not_change_the_verdict(self, data, cuts):
        whole = importer._QuoteScanner()
        expected = whole.feed(data) and whole.finish()
        pieces, start = [], 0
        for cut in sorted(c for c in cuts if c <= len(data)):
            pieces.append(data[start:cut])
            start = cut
        pieces.append(data[start:])
        chunked = importer._QuoteScanner()
        assert (all(chunked.feed(p) for p in pieces) and chunked.finish()) == expected

    @pytest.mark.parametrize(
        ("data", "ok"),
        [
            (b"a,b\r\n", True),
            (b'"a,b",c\r\n', True),
            (b'"a""b",c\n', True),
            (b'a"b,c\n', False),
            (b'"a"b,c\n', False),
            (b'"a\nb",c\n', False),
            (b'"ab,c\n', False),
            (b'x,"ab"', True),
        ],
    )
    def test_examples(self, data, ok):
        scanner = importer._QuoteScanner()
        assert (scanner.feed(data) and scanner.finish()) == ok


@pytest.mark.django_db(transaction=True)
class TestTwoImportsAtOnce:
    def test_overlapping_files_imported_at_the_same_time_store_each_line_once(self, accounts, staff):
        """Both take the write lock in turn; the second sees the first's lines and skips them."""
        import threading

        from django.db import connection

        days = [Txn(dt.date(2026, 5, d), -100 * d, "Card purchase", "Shop", f"TX-{d}", "5411") for d in range(1, 21)]
        first, second = card_csv(days[:12]), card_csv(days[6:])
        actor = staff["payments_officer"]
        imports = [
            services.statement_import_create(
                actor=actor,
                file=ContentFile(data, name=f"card-{n}.csv"),
                statement_format="card_csv",
                run_in_background=False,
            )
            for n, data in enumerate((first, second))
        ]
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(imp: StatementImport) -> None:
            try:
                start.wait()
                services.statement_import_run(import_id=imp.pk, show_progress=False)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(imp,)) for imp in imports]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        done = [StatementImport.objects.get(pk=imp.pk) for imp in imports]
        assert [d.status for d in done] == [ImportStatus.DONE, ImportStatus.DONE]
        assert sum(d.lines_added for d in done) == 20
        assert sum(d.duplicates for d in done) == 6
        assert Transaction.objects.count() == 20
