"""Importing one card-provider statement of 1,000,000 transactions (our card CSV layout).

Run: .venv/bin/python bench/statement_import.py [--lines 1000000] [--accounts 10000]

Builds (once, in its own database `test_direct_payments_bench_statements`) `--accounts` prepaid card
accounts, then writes a synthetic card CSV of `--lines` transactions over them (a year of spending at a
few hundred merchants, loads, cash) to a temporary file, streaming, and times in the same process:

- the floor: psycopg ``COPY`` of the same file into a bare table of text columns (no parsing, no
  checks, no indexes), the fastest PostgreSQL can take the bytes in;
- the import: `statement_import_run` on the uploaded file: parse and check every line (dates, amounts,
  trailer), dedup keys, COPY into staging, account look-up, categorising, INSERT … ON CONFLICT into
  the indexed transactions table, reconciliation: `seconds`;
- then the same file again (`reimport_seconds`): every line is a duplicate and nothing is added.

Storing the upload (hashing and copying the file into storage) is reported as `upload_seconds`.
Peak RSS is the whole process's (file writing, both COPYs and the import).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time

os.environ.setdefault("DP_TEST_DB", "bench_statements")

from _harness import report, setup_django

MERCHANTS = [
    ("Brambles Pharmacy", "5912"),
    ("Northmoor Community Transport", "4111"),
    ("Corner Shop", "5411"),
    ("Greenway Supermarket", "5411"),
    ("Daybreak Day Centre", "8398"),
    ("Ability Mobility Ltd", "5047"),
    ("Swim and Gym Leisure", "7997"),
    ("Valley Taxis", "4121"),
    ("Cafe Lumiere", "5812"),
    ("Homecare Staffing Agency", "7361"),
    ("Payroll Bureau", "8931"),
    ("Employers Insurance Co", "6300"),
    ("Cashpoint", "6011"),
    ("Lucky Stars Betting", "7995"),
    ("Hearing Help", "5975"),
]
START = dt.date(2025, 1, 1)


def build(accounts: int) -> list[str]:
    from dp.payments.constants import AccountKind, CardStatus
    from dp.payments.models import DirectPaymentAccount
    from dp.people.tests.factories import PersonFactory

    refs = [f"BENCH-{i:06d}" for i in range(accounts)]
    have = DirectPaymentAccount.objects.filter(card_account_reference__startswith="BENCH-").count()
    if have >= accounts:
        return refs
    people = [PersonFactory() for _ in range(100)]
    DirectPaymentAccount.objects.bulk_create(
        [
            DirectPaymentAccount(
                person=people[i % len(people)],
                holder=people[i % len(people)],
                kind=AccountKind.PREPAID_CARD,
                opened_on=dt.date(2024, 1, 1),
                provider="Bench Cards",
                card_account_reference=ref,
                card_last_four=f"{i % 10000:04d}",
                card_status=CardStatus.ACTIVE,
            )
            for i, ref in enumerate(refs)
            if i >= have
        ],
        batch_size=5000,
    )
    return refs


def write_file(path: str, lines: int, refs: list[str]) -> int:
    """The card CSV, written a line at a time: one transaction per line, the accounts in turn."""
    total = 0
    balances = [0] * len(refs)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(
            "record_type,transaction_id,card_account_reference,posted_on,amount,balance,merchant_name,"
            "merchant_category_code,description\r\n"
        )
        per_day = max(1, lines // 365)
        for n in range(lines):
            a = n % len(refs)
            on = START + dt.timedelta(days=n // per_day)
            if n % 97 == 0:
                pence, merchant, mcc, description = 45000, "", "", "Load from Northmoor Council"
            else:
                merchant, mcc = MERCHANTS[(n * 7 + a) % len(MERCHANTS)]
                pence = -(100 + (n * 37) % 15000)
                description = "Card purchase" if mcc != "6011" else "Cash withdrawal"
            balances[a] += pence
            total += pence
            sign = "-" if pence < 0 else ""
            whole, rem = divmod(abs(pence), 100)
            bal = balances[a]
            bsign = "-" if bal < 0 else ""
            bwhole, brem = divmod(abs(bal), 100)
            out.write(
                f"TXN,T{n:09d},{refs[a]},{on.isoformat()},{sign}{whole}.{rem:02d},{bsign}{bwhole}.{brem:02d},"
                f"{merchant},{mcc},{description}\r\n"
            )
        sign = "-" if total < 0 else ""
        whole, rem = divmod(abs(total), 100)
        out.write(f"TRAILER,{lines},,,{sign}{whole}.{rem:02d},,,,\r\n")
    return os.path.getsize(path)


def floor(path: str, *, logged: bool = False) -> float:
    """COPY of the same file into a bare table of text columns: temporary (no WAL, as in earlier figures) or,
    with `logged`, an ordinary table like the one the import writes to (rolled back afterwards)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as c:
        kind = "" if logged else "TEMPORARY"
        c.execute(
            f"CREATE {kind} TABLE bench_floor (record_type text, transaction_id text, card_account_reference text, "
            "posted_on text, amount text, balance text, merchant_name text, merchant_category_code text, "
            "description text)"
        )
        started = time.monotonic()
        with open(path, "rb") as f, c.cursor.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        seconds = time.monotonic() - started
        c.execute("SELECT count(*) FROM bench_floor")
        assert c.fetchone()[0] > 0
        transaction.set_rollback(True)
    return seconds


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("dp.monitoring.importer").setLevel(logging.INFO)  # seconds per phase
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()
    setup_django()
    from django.core.files import File
    from django.db import connection

    from dp.monitoring import importer, services
    from dp.monitoring.constants import ImportStatus

    last_timings: dict[str, dict[str, float]] = {}
    load = importer.load_statement

    def timed_load(*a, **kw):  # type: ignore[no-untyped-def]
        result = load(*a, **kw)
        last_timings["value"] = result.timings
        return result

    importer.load_statement = timed_load  # services imported it by name: patch there too
    services.load_statement = timed_load  # type: ignore[attr-defined]
    refs = build(args.accounts)
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE monitoring_transaction, monitoring_statementreconciliation, monitoring_receipt, "
            "monitoring_statementimport CASCADE"
        )
        c.execute("ANALYZE")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "card-bench.csv")
        size = write_file(path, args.lines, refs)
        print(f"wrote {args.lines} lines, {size / 1e6:.0f} MB")
        floor_seconds = floor(path)
        floor_logged_seconds = floor(path, logged=True)
        print(f"floor (COPY into a bare table): {floor_seconds:.2f} s temporary, {floor_logged_seconds:.2f} s ordinary")

        def upload() -> tuple[int, float]:
            started = time.monotonic()
            with open(path, "rb") as f:
                imp = services.statement_import_create(
                    actor=None,
                    file=File(f, name="card-bench.csv"),
                    statement_format="card_csv",
                    run_in_background=False,
                )
            return imp.pk, time.monotonic() - started

        import_id, upload_seconds = upload()
        started = time.monotonic()
        imp = services.statement_import_run(import_id=import_id)
        seconds = time.monotonic() - started
        assert imp.status == ImportStatus.DONE, imp.error_message
        assert imp.lines_added == args.lines, (imp.lines_added, args.lines)
        imp_timings = last_timings.get("value", {})
        print(f"import: {seconds:.2f} s ({imp.lines_added} added)")
        again_id, _ = upload()
        started = time.monotonic()
        again = services.statement_import_run(import_id=again_id)
        reimport_seconds = time.monotonic() - started
        assert (again.lines_added, again.duplicates) == (0, args.lines)
        print(f"re-import: {reimport_seconds:.2f} s (0 added)")
        for stored in (imp, again):  # the uploads' stored copies (about 100 MB each)
            stored.file.delete(save=False)
    report(
        bench="statement_import",
        n=args.lines,
        seconds=round(seconds, 2),
        floor_seconds=round(floor_seconds, 2),
        ratio=round(seconds / floor_seconds, 2),
        floor_logged_seconds=round(floor_logged_seconds, 2),
        ratio_logged=round(seconds / floor_logged_seconds, 2),
        phases=imp_timings,
        reimport_seconds=round(reimport_seconds, 2),
        upload_seconds=round(upload_seconds, 2),
        file_mb=round(size / 1e6, 1),
    )


if __name__ == "__main__":
    main()
