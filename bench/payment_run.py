"""A payment run over 250,000 agreed direct payments: schedules due, journals posted, files written.

Run: .venv/bin/python bench/payment_run.py [--dps 250000] [--chunk 10000] [--skip-settle]

Builds (once, kept in its own database `test_direct_payments_bench_payments`) 250,000 people, each with an
active case, an account (about half prepaid cards, a third bank accounts, the rest managed accounts with
ten money managers) and a signed 4-weekly schedule whose first period starts on the run's date. A few
per cent are awkward on purpose: a change of amounts inside the period (pro-rated in Python), a
suspended card, an unsigned agreement, a change of bank details waiting for confirmation, a contribution
that covers the whole budget (nothing to send).

Each run starts from no payments and an empty ledger (TRUNCATE: this is the benchmark's own database),
then times, in the same process:
- the floor: one INSERT ... SELECT producing the same payment rows (then thrown away);
- the run: calculate (payments and exceptions), approve, and send (the "payments sent" journals, the Bacs
  file, the card-load files and the remittance advices): `seconds`;
- settling on the pay date (one `payment:<id>` journal per payment, with the contribution due), reported
  separately as `settle_seconds`: it is the daily job, not part of the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid

os.environ.setdefault("DP_TEST_DB", "bench_payments")

from _harness import report, setup_django

PAY_ON = dt.date(2030, 1, 7)  # a Monday, week 0 of the benchmark's cycle (2024-01-01 + 313 weeks)
MANAGERS = 10


def build(dps: int) -> None:
    from cryptography.fernet import Fernet  # noqa: F401  (the field's own key derivation is used below)
    from django.db import connection, transaction
    from django.utils import timezone

    from dp.councils.models import Council, PolicyValue
    from dp.payments.models import BacsOriginator, DirectPaymentAccount, MoneyManager, PaymentSchedule
    from dp.staff.models import Team, User

    have = PaymentSchedule.objects.count()
    if have >= dps:
        print(f"{have} schedules already in the benchmark database")
        return
    if have:
        raise SystemExit("The benchmark database has a different size: drop test_direct_payments_bench_payments.")
    started = time.monotonic()
    field = DirectPaymentAccount._meta.get_field("bank_details")
    tokens = [field.get_prep_value(f"{300000 + i:06d}:{20000000 + i * 7:08d}") for i in range(1000)]

    def step(sql: str, params: object = None) -> None:
        """One loading step in its own transaction, then fresh statistics (the next step's foreign-key checks
        and joins are planned from them: a single transaction with stale statistics took many minutes)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    with transaction.atomic():
        council = Council.objects.create(name="Benchmark Council")
        now = timezone.now()
        for key, value in {
            "payment_cycle_weeks": 4,
            "payment_weekday": "0",
            "payment_cycle_offset_weeks": 0,
            "payment_basis": "net",
            "payment_bank_change_hold_days": 14,
        }.items():
            PolicyValue.objects.create(
                council=council, key=key, value=value, effective_from=dt.date(2020, 1, 1), set_at=now, reason="bench"
            )
        BacsOriginator.objects.create(
            service_user_number="123456", sort_code="200000", account_number="12345678", name="BENCHMARK COUNCIL"
        )
        team = Team.objects.create(name="Bench team")
        worker = User.objects.create(username="bench-worker", first_name="Bench", last_name="Worker", team=team)
        for i in range(MANAGERS):
            MoneyManager.objects.create(
                name=f"Money manager {i}",
                account_name=f"MONEY MANAGER {i}",
                sort_code="401234",
                account_number=f"{87654320 + i:08d}",
                fee_weekly_pence=400,
            )
    step(
        """
        INSERT INTO people_person (created_at, updated_at, given_name, family_name, preferred_name,
            date_of_birth, address_line_1, address_line_2, town, postcode, phone, email, preferred_contact,
            communication_needs, nhs_number, has_ehcp, is_restricted, search_text)
        SELECT now(), now(), 'Given' || g, 'Family' || (g %% 5000), '', DATE '1950-01-01' + (g %% 20000),
               g || ' High Street', '', 'Northmoor', 'NM1 1AA', '', '', '', '', '', false, false,
               'given' || g || ' family' || (g %% 5000)
          FROM generate_series(1, %s) AS g
        """,
        [dps],
    )
    step(
        """
        INSERT INTO cases_case (created_at, updated_at, reference, person_id, case_type, status,
            status_changed_at, team_id, worker_id, opened_on, closure_reason)
        SELECT now(), now(), 'B' || p.id, p.id, 'adult', 'active', now(), %s, %s, DATE '2029-06-01', ''
          FROM people_person p
        """,
        [team.pk, worker.pk],
    )
    with connection.cursor() as c:
        c.execute("CREATE TEMP TABLE bench_tokens (n int, bank_details text)")
        with c.cursor.copy("COPY bench_tokens FROM STDIN") as copy:
            for n, token in enumerate(tokens):
                copy.write_row((n, token))
    # Accounts: id % 20 in 0..9 card, 10..16 bank, 17..19 managed.
    step(
        """
        INSERT INTO payments_directpaymentaccount (created_at, updated_at, person_id, kind, holder_id, status,
            opened_on, closed_reason, provider, card_account_reference, card_last_four, card_status,
            account_name, bank_details, bank_details_confirmed_at, money_manager_id,
            client_reference)
        SELECT now(), now(), p.id,
               CASE WHEN p.id %% 20 < 10 THEN 'prepaid_card' WHEN p.id %% 20 < 17 THEN 'bank' ELSE 'managed' END,
               CASE WHEN p.id %% 20 < 17 THEN p.id END, 'open', DATE '2029-06-01', '',
               CASE WHEN p.id %% 20 < 10 THEN CASE WHEN p.id %% 3 = 0 THEN 'Allpay' ELSE 'PFS' END ELSE '' END,
               CASE WHEN p.id %% 20 < 10 THEN 'CARD-' || lpad(p.id::text, 8, '0') ELSE '' END,
               CASE WHEN p.id %% 20 < 10 THEN lpad((p.id %% 10000)::text, 4, '0') ELSE '' END,
               CASE WHEN p.id %% 20 < 10 THEN CASE WHEN p.id %% 97 = 0 THEN 'suspended' ELSE 'active' END
                    ELSE '' END,
               CASE WHEN p.id %% 20 BETWEEN 10 AND 16 THEN p.given_name || ' ' || p.family_name ELSE '' END,
               CASE WHEN p.id %% 20 BETWEEN 10 AND 16 THEN t.bank_details END,
               now(),
               CASE WHEN p.id %% 20 >= 17 THEN (SELECT min(id) FROM payments_moneymanager) + p.id %% %s END,
               CASE WHEN p.id %% 20 >= 17 THEN 'CL' || p.id ELSE '' END
          FROM people_person p JOIN bench_tokens t ON t.n = p.id %% 1000
        """,
        [MANAGERS],
    )
    step(
        """
        INSERT INTO payments_paymentschedule (created_at, updated_at, case_id, person_id, account_id, start_on,
            period_weeks, basis, status, payable_from_on, agreement_signed_on, status_reason)
        SELECT now(), now(), k.id, k.person_id, a.id, %(pay_on)s, 4, 'net', 'active', %(pay_on)s,
               CASE WHEN k.person_id %% 199 = 0 THEN NULL ELSE DATE '2029-12-01' END, ''
          FROM cases_case k JOIN payments_directpaymentaccount a ON a.person_id = k.person_id
        """,
        {"pay_on": PAY_ON},
    )
    step(
        """
        INSERT INTO payments_schedulechange (schedule_id, effective_on, weekly_budget_pence,
            weekly_contribution_pence, reason, created_at)
        SELECT s.id, s.start_on, 20000 + (s.person_id % 300) * 100,
               CASE WHEN s.person_id % 211 = 0 THEN 90000 ELSE (s.person_id % 50) * 100 END, 'Agreed', now()
          FROM payments_paymentschedule s
        """
    )
    # About 1%: a change of amounts in the middle of the first period (pro-rated in Python).
    step(
        """
        INSERT INTO payments_schedulechange (schedule_id, effective_on, weekly_budget_pence,
            weekly_contribution_pence, reason, created_at)
        SELECT s.id, s.start_on + 10, 25000, 1000, 'Needs changed', now()
          FROM payments_paymentschedule s WHERE s.person_id % 101 = 0
        """
    )
    step(
        """
        INSERT INTO payments_bankdetailschange (created_at, updated_at, account_id, account_name, reason,
            status, requested_by_id, requested_at, decision_note)
        SELECT now(), now(), a.id, 'NEW NAME', 'bench', 'pending', %s, TIMESTAMPTZ '2029-12-30 10:00Z', ''
          FROM payments_directpaymentaccount a WHERE a.kind = 'bank' AND a.person_id %% 499 = 0
        """,
        [worker.pk],
    )
    print(f"built {dps} direct payments in {time.monotonic() - started:.1f} s")


def reset() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "TRUNCATE payments_recoverydeductiontaken, payments_adjustmentsettlement, payments_paymentfile, "
            "payments_paymentrunexception, payments_payment, payments_paymentrun, ledger_entry, ledger_journal CASCADE"
        )
        c.execute("VACUUM ANALYZE payments_payment")


FLOOR_SQL = """
INSERT INTO payments_payment
    (run_id, schedule_id, account_id, kind, period_start_on, period_end_on, pay_on, channel, basis, budget_pence,
     regular_pence, adjustment_pence, recovery_pence, amount_pence, contribution_due_pence,
     contribution_adjustment_pence, prorated, cancelled)
SELECT %(run)s, s.id, s.account_id, 'regular', s.start_on, s.start_on + 27, %(pay_on)s,
       CASE WHEN a.kind = 'prepaid_card' THEN 'card_provider' ELSE 'bank' END, s.basis, c.weekly_budget_pence * 4,
       greatest(c.weekly_budget_pence - c.weekly_contribution_pence, 0) * 4, 0, 0,
       greatest(c.weekly_budget_pence - c.weekly_contribution_pence, 0) * 4,
       least(c.weekly_contribution_pence, c.weekly_budget_pence) * 4, 0, false, false
  FROM payments_paymentschedule s
  JOIN payments_schedulechange c ON c.schedule_id = s.id AND c.effective_on = s.start_on
  JOIN payments_directpaymentaccount a ON a.id = s.account_id
 WHERE s.status = 'active' AND s.agreement_signed_on IS NOT NULL AND a.status = 'open'
   AND (a.kind <> 'prepaid_card' OR a.card_status = 'active')
   AND NOT EXISTS (SELECT 1 FROM payments_bankdetailschange b
                    WHERE b.account_id = a.id AND b.status = 'pending' AND b.requested_at >= TIMESTAMPTZ '2029-12-19Z')
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dps", type=int, default=250_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument(
        "--skip-settle", action="store_true", help="Leave out the daily settle step (settle_seconds is then null)"
    )
    args = parser.parse_args()
    setup_django()
    build(args.dps)

    import time_machine
    from django.db import connection, transaction

    from dp.payments import services
    from dp.payments.models import Payment, PaymentFile, PaymentRun
    from dp.staff.models import User

    reset()
    creator, _ = User.objects.get_or_create(username="bench-officer-1")
    approver, _ = User.objects.get_or_create(username="bench-officer-2")

    # The floor: the same payment rows from one INSERT ... SELECT, thrown away afterwards.
    with transaction.atomic():
        run = PaymentRun.objects.create(pay_on=PAY_ON, request_key="floor", created_by=creator, status="cancelled")
        started = time.perf_counter()
        with connection.cursor() as c:
            c.execute(FLOOR_SQL, {"run": run.pk, "pay_on": PAY_ON})
            floor_rows = c.rowcount
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # pay the deferred foreign-key checks inside the timing
        floor = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"floor: {floor_rows} payment rows in {floor:.2f} s")
    reset()

    with time_machine.travel(dt.datetime(2030, 1, 2, 9, 0), tick=True):
        run_started = time.perf_counter()
        run = services.payment_run_create(actor=creator, pay_on=PAY_ON, request_key=uuid.uuid4().hex)
        calculated = time.perf_counter()
        print(
            f"calculated: {run.payment_count} payments, {run.exception_count} held back, "
            f"{run.zero_count} with nothing to send, in {calculated - run_started:.2f} s"
        )
        run = services.payment_run_approve(actor=approver, run=run)
        sending = time.perf_counter()
        run = services.payment_run_execute(
            run_id=run.pk, chunk_size=args.chunk, progress=lambda text: None if text.startswith("  ") else print(text)
        )
        finished = time.perf_counter()
        print(f"sent in {finished - sending:.2f} s")
    seconds = finished - run_started
    files = list(PaymentFile.objects.filter(run=run).values_list("filename", "record_count", "total_pence"))
    for name, count, total in files:
        print(f"  {name}: {count} records, {total} pence")

    settle: float | None = None
    if not args.skip_settle:
        with time_machine.travel(dt.datetime(2030, 1, 7, 7, 0), tick=True):
            started = time.perf_counter()
            services.payment_run_settle(run_id=run.pk)
            settle = time.perf_counter() - started
        print(f"settled (one journal per payment) in {settle:.2f} s")
    paid = Payment.objects.filter(run=run).count()
    report(
        bench="payment_run",
        n=args.dps,
        seconds=round(seconds, 2),
        floor_seconds=round(floor, 2),
        ratio=round(seconds / floor, 2),
        payments=paid,
        floor_rows=floor_rows,
        calculate_seconds=round(calculated - run_started, 2),
        send_seconds=round(finished - sending, 2),
        settle_seconds=None if settle is None else round(settle, 2),
        files=[name for name, _, _ in files],
    )


if __name__ == "__main__":
    main()
