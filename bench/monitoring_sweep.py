"""The monitoring sweep: every check over 250,000 direct payment accounts and 10,000,000 transactions.

Run: .venv/bin/python bench/monitoring_sweep.py [--accounts 250000] [--transactions 10000000] [--workers 2]

Builds (once, kept in its own database `test_direct_payments_bench_sweep`) 250,000 people, each with an active
case, a prepaid card account, a signed 4-weekly schedule and its first payment, and a year of statement lines
spread over every account (40 each on average) made in SQL: Personal Assistant wages matched to the plan, money
in with the balance, groceries and equipment, and on purpose a few per cent of the awkward ones the checks look
for (gambling, cash without receipts, payments to unknown payees, the same amount twice in a few days, an account
with no spending for months, a balance far above the council's limit). Then (once) Personal Assistants' pay and
money owed (`dp.employment`): 1 account in 10 has a PA on a support plan with 13 four-weekly pay records (80 hours
at £13.00), 1 of those PAs in 50 paid £10.00 an hour for one period (below the minimum wage); 1 account in 20 owes
£500 of unpaid wages, 1 in 40 had money owed already paid, and half the accounts with a large balance owe enough
that it is not surplus.

Each run deletes the findings (the benchmark's own database), then times, in the same process:
- the floor: one pass over the transactions grouping by account (`count`, `sum`, `max(posted_on)`), the least
  any sweep has to read;
- the sweep: `dp.audits.sweep.run_sweep` with `--workers` processes, writing the findings: `seconds`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

os.environ.setdefault("DP_TEST_DB", "bench_sweep")

from _harness import peak_rss_mb, report, setup_django

AS_OF = dt.date(2030, 1, 7)  # a Monday on the benchmark's payment cycle
FIRST_PAY_ON = AS_OF - dt.timedelta(weeks=52)
THRESHOLDS = {
    "monitoring_prohibited_gambling": True,
    "monitoring_prohibited_alcohol": True,
    "monitoring_prohibited_tobacco": True,
    "monitoring_prohibited_adult_services": True,
    "monitoring_prohibited_cash_equivalent": False,
    "monitoring_cash_policy": "limited",
    "monitoring_cash_limit_pence": 20000,
    "monitoring_cash_period_days": 28,
    "monitoring_cash_receipt_days": 14,
    "monitoring_contribution_arrears_weeks": 4,
    "monitoring_no_spend_weeks": 8,
    "monitoring_line_overspend_percent": 10,
    "monitoring_duplicate_payment_days": 3,
    "surplus_allowed_weeks": 8,
    "payment_cycle_weeks": 4,
    "payment_weekday": "0",
    "payment_cycle_offset_weeks": 0,
    "payment_basis": "net",
    "payment_bank_change_hold_days": 14,
}

# Row n of the transactions: account = n % accounts, k = n / accounts its number on that account (0 = newest),
# 9 days apart. What it is depends on k and the account (so a few accounts have each awkward kind).
TRANSACTIONS_SQL = """
INSERT INTO monitoring_transaction (account_id, posted_on, amount_pence, description, merchant,
    merchant_category_code, balance_pence, dedup_key, provider_transaction_id, statement_import_id, line_number,
    status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
SELECT a.first + g.n %% %(accounts)s,
       CASE WHEN g.n %% %(accounts)s %% 100 = 13 AND g.n / %(accounts)s = 11 THEN %(as_of)s::date - 91
            ELSE %(as_of)s::date - (g.n / %(accounts)s) * 9 - (g.n %% 3) END,
       x.amount, x.description, x.merchant, x.mcc,
       CASE WHEN x.status = 'money_in' THEN
            CASE WHEN g.n %% %(accounts)s %% 33 = 5 THEN 2000000 ELSE 100000 END + (g.n %% 997) * 10 END,
       md5(g.n::text), '', %(import)s, g.n, x.status, x.category, NULL, x.payee, x.matched, '', x.reason
  FROM generate_series(0, %(rows)s - 1) AS g(n)
  CROSS JOIN (SELECT min(id) AS first FROM payments_directpaymentaccount) a
  CROSS JOIN LATERAL (
    SELECT * FROM (VALUES
      -- money in every fourth line, with the balance
      ((g.n / %(accounts)s) %% 4 = 0, 100000::bigint, 'Direct payment', 'Northmoor Council', '', 'money_in',
       'money_in', '', 'money_in', 'Money in'),
      -- gambling: 1 account in 50, once
      ((g.n / %(accounts)s) = 3 AND g.n %% %(accounts)s %% 50 = 7, -4500::bigint, 'Card purchase', 'Lucky Bet',
       '7995', 'unexplained', 'gambling', '', 'merchant_category_code', 'Gambling'),
      -- cash: 1 account in 20, on three lines within four weeks
      ((g.n / %(accounts)s) IN (5, 6, 7) AND g.n %% %(accounts)s %% 20 = 3, -10000::bigint, 'ATM', 'ATM',
       '6011', 'cash', 'cash_withdrawal', '', 'merchant_category_code', 'Cash'),
      -- unknown payee: 1 account in 40, once
      ((g.n / %(accounts)s) = 9 AND g.n %% %(accounts)s %% 40 = 11, -7500::bigint, 'Transfer', 'A N Other', '',
       'unexplained', '', '', 'nothing', 'Nothing matched'),
      -- groceries
      ((g.n / %(accounts)s) %% 4 = 1, -(1000 + g.n %% 4000)::bigint, 'Card purchase', 'Corner Shop', '5411',
       'unexplained', 'groceries', '', 'merchant_category_code', 'Groceries'),
      -- equipment: the same amount at the same shop, a few days apart on 1 account in 100
      ((g.n / %(accounts)s) %% 4 = 2, CASE WHEN g.n %% %(accounts)s %% 100 = 13 THEN -3300
                                            ELSE -(2000 + g.n %% 5000) END::bigint,
       'Card purchase', 'Mobility Shop', '5047', 'plan_line', 'equipment', '', 'merchant_category_code', 'Equipment'),
      -- ... and again a day apart (a possible duplicate)
      ((g.n / %(accounts)s) = 11 AND g.n %% %(accounts)s %% 100 = 13, -3300::bigint, 'Card purchase',
       'Mobility Shop', '5047', 'plan_line', 'equipment', '', 'merchant_category_code', 'Equipment'),
      -- Personal Assistant wages, matched to the plan's payee
      (true, -12000::bigint, 'Wages', 'Jo Bloggs', '', 'plan_line', 'personal_assistant', 'plan-payee:1', 'payee',
       'Known payee')
    ) AS v(applies, amount, description, merchant, mcc, status, category, payee, matched, reason)
    WHERE v.applies LIMIT 1
  ) x
 -- 1 account in 100 has spent nothing for the last 10 weeks
 WHERE NOT (g.n %% %(accounts)s %% 100 = 17 AND (g.n / %(accounts)s) < 8 AND x.status <> 'money_in')
"""


def build(accounts: int, rows: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from dp.councils.models import Council, PolicyValue
    from dp.monitoring.models import StatementImport, Transaction
    from dp.payments.models import PaymentRun, PaymentSchedule
    from dp.staff.models import Team, User

    have = PaymentSchedule.objects.count()
    if have >= accounts and Transaction.objects.exists():
        print(f"{have} schedules and their transactions already in the benchmark database")
        return
    if have:
        raise SystemExit("The benchmark database is half built or another size: drop test_direct_payments_bench_sweep.")
    started = time.monotonic()

    def step(label: str, sql: str, params: object = ()) -> None:
        t = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  {label}: {time.monotonic() - t:.1f} s", flush=True)

    with transaction.atomic():
        council = Council.objects.create(name="Benchmark Council")
        now = timezone.now()
        for key, value in THRESHOLDS.items():
            PolicyValue.objects.create(
                council=council, key=key, value=value, effective_from=dt.date(2020, 1, 1), set_at=now, reason="bench"
            )
        team = Team.objects.create(name="Bench team")
        worker = User.objects.create(username="bench-worker", first_name="Bench", last_name="Worker", team=team)
        imported = StatementImport.objects.create(
            file="bench.csv", file_name="bench.csv", format="card_csv", sha256="0" * 64, size_bytes=0, status="done"
        )
        run = PaymentRun.objects.create(pay_on=FIRST_PAY_ON, request_key="bench", created_by=worker, status="completed")
    step(
        "people",
        """
        INSERT INTO people_person (created_at, updated_at, given_name, family_name, preferred_name,
            date_of_birth, address_line_1, address_line_2, town, postcode, phone, email, preferred_contact,
            communication_needs, nhs_number, has_ehcp, is_restricted, search_text)
        SELECT now(), now(), 'Given' || g, 'Family' || (g %% 5000), '', DATE '1950-01-01' + (g %% 20000),
               g || ' High Street', '', 'Northmoor', 'NM1 1AA', '', '', '', '', '', false, false,
               'given' || g || ' family' || (g %% 5000)
          FROM generate_series(1, %s) AS g
        """,
        [accounts],
    )
    step(
        "cases",
        """
        INSERT INTO cases_case (created_at, updated_at, reference, person_id, case_type, status,
            status_changed_at, team_id, worker_id, opened_on, closure_reason)
        SELECT now(), now(), 'B' || p.id, p.id, 'adult', 'active', now(), %s, %s, DATE '2028-06-01', ''
          FROM people_person p
        """,
        [team.pk, worker.pk],
    )
    step(
        "accounts",
        """
        INSERT INTO payments_directpaymentaccount (created_at, updated_at, person_id, kind, holder_id, status,
            opened_on, closed_reason, provider, card_account_reference, card_last_four, card_status,
            account_name, client_reference)
        SELECT now(), now(), p.id, 'prepaid_card', p.id, 'open', DATE '2028-06-01', '', 'Allpay',
               'CARD-' || lpad(p.id::text, 8, '0'), '1234', 'active', '', ''
          FROM people_person p
        """,
    )
    step(
        "schedules",
        """
        INSERT INTO payments_paymentschedule (created_at, updated_at, case_id, person_id, account_id, start_on,
            period_weeks, basis, status, payable_from_on, agreement_signed_on, status_reason)
        SELECT now(), now(), k.id, k.person_id, a.id, %(start)s, 4, 'net', 'active', %(start)s, %(start)s, ''
          FROM cases_case k JOIN payments_directpaymentaccount a ON a.person_id = k.person_id
        """,
        {"start": FIRST_PAY_ON},
    )
    step(
        "amounts",
        """
        INSERT INTO payments_schedulechange (schedule_id, effective_on, weekly_budget_pence,
            weekly_contribution_pence, reason, created_at, source)
        SELECT s.id, s.start_on, 20000 + (s.person_id %% 300) * 100, (s.person_id %% 50) * 100, 'Agreed', now(), ''
          FROM payments_paymentschedule s
        """,
    )
    step(
        "first payments",
        """
        INSERT INTO payments_payment (run_id, schedule_id, account_id, kind, period_start_on, period_end_on, pay_on,
            channel, basis, budget_pence, regular_pence, adjustment_pence, recovery_pence, amount_pence,
            contribution_due_pence, contribution_adjustment_pence, prorated, cancelled)
        SELECT %(run)s, s.id, s.account_id, 'regular', s.start_on, s.start_on + 27, s.start_on, 'card_provider',
               'net', c.weekly_budget_pence * 4, (c.weekly_budget_pence - c.weekly_contribution_pence) * 4, 0, 0,
               (c.weekly_budget_pence - c.weekly_contribution_pence) * 4, c.weekly_contribution_pence * 4, 0, false,
               false
          FROM payments_paymentschedule s JOIN payments_schedulechange c ON c.schedule_id = s.id
        """,
        {"run": run.pk},
    )
    step(
        f"{rows} transactions",
        TRANSACTIONS_SQL,
        {"accounts": accounts, "rows": rows, "as_of": AS_OF, "import": imported.pk},
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_transaction")
    print(f"built {accounts} accounts and their transactions in {time.monotonic() - started:.1f} s")


RECONCILIATIONS_SQL = """
INSERT INTO monitoring_statementreconciliation (statement_import_id, account_id, balance_on, statement_balance_pence,
    ledger_balance_pence, difference_pence)
SELECT %(import)s, a.id, %(as_of)s::date - 1, b.balance, b.balance, 0
  FROM payments_directpaymentaccount a
 CROSS JOIN LATERAL (SELECT CASE WHEN (a.id - (SELECT min(id) FROM payments_directpaymentaccount)) %% 33 = 5
                                 THEN 2000000 ELSE 100000 + (a.id %% 997) * 10 END AS balance) b
"""


def reconciliations() -> None:
    """The latest statement's balance for each account (what an import records), where the surplus check reads it."""
    from django.db import connection, transaction

    from dp.monitoring.models import StatementImport, StatementReconciliation

    if StatementReconciliation.objects.exists():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RECONCILIATIONS_SQL, {"import": StatementImport.objects.get().pk, "as_of": AS_OF})
        cursor.execute("ANALYZE monitoring_statementreconciliation")


EMPLOYMENT_SQL = [
    # 1 account in 10: a support plan naming a Personal Assistant.
    """
    INSERT INTO plans_supportplan (created_at, updated_at, version, status, returned_reason, checks, author_id, case_id)
    SELECT now(), now(), 1, 'draft', '', '[]', %(author)s, k.id
      FROM cases_case k JOIN payments_directpaymentaccount a ON a.person_id = k.person_id
     WHERE (a.id - %(first)s) %% 10 = 0
    """,
    """
    INSERT INTO plans_planpayee (name, relationship, lives_in_same_household, necessary_reason, necessary_purpose,
        necessary_note, plan_id)
    SELECT 'PA ' || p.id, 'not_related', false, '', '', '', p.id FROM plans_supportplan p
    """,
    # 13 four-weekly pay records each, 80 hours at £13.00; 1 PA in 50 paid £10.00 an hour for one period.
    """
    INSERT INTO employment_payrecord (created_at, updated_at, account_id, payee_id, period_start_on, period_end_on,
        worked_on, hours_worked, gross_pay_pence, pa_date_of_birth, apprentice_first_year, source, source_reference,
        recorded_at, withdrawn_reason)
    SELECT now(), now(), a.id, y.id, %(as_of)s::date - 28 * (k + 1), %(as_of)s::date - 28 * k,
           %(as_of)s::date - 28 * k - 1, 80.00, CASE WHEN y.id %% 50 = 7 AND k = 2 THEN 80000 ELSE 104000 END,
           DATE '1990-01-01', false, 'payroll_bureau', 'bench.csv', now(), ''
      FROM plans_planpayee y JOIN plans_supportplan p ON p.id = y.plan_id JOIN cases_case c ON c.id = p.case_id
      JOIN payments_directpaymentaccount a ON a.person_id = c.person_id
     CROSS JOIN generate_series(0, 12) AS k
    """,
    # Money owed: 1 account in 20 owes £500 of wages; 1 in 40 owed money already paid; half the accounts with a
    # large balance (see RECONCILIATIONS_SQL) owe £19,000, so theirs is not surplus.
    """
    INSERT INTO employment_commitment (created_at, updated_at, account_id, kind, amount_pence, owed_to, due_on,
        reference, evidence_note, recorded_on, recorded_at, status, settled_on, withdrawn_reason)
    SELECT now(), now(), a.id, x.kind, x.amount, 'Owed', %(as_of)s::date + 7, '', '', %(as_of)s::date - 10, now(),
           x.status, x.settled_on, ''
      FROM payments_directpaymentaccount a
     CROSS JOIN LATERAL (VALUES
        ((a.id - %(first)s) %% 20 = 1, 'unpaid_wages', 50000::bigint, 'open', NULL::date),
        ((a.id - %(first)s) %% 40 = 2, 'invoice', 30000::bigint, 'settled', %(as_of)s::date - 3),
        ((a.id - %(first)s) %% 66 = 5, 'tax_and_ni', 1900000::bigint, 'open', NULL::date)
     ) AS x(applies, kind, amount, status, settled_on)
     WHERE x.applies
    """,
]


def employment() -> None:
    """PAs' pay records and money owed (once), where the minimum wage and surplus checks read them."""
    from django.db import connection, transaction

    from dp.employment.models import PayRecord
    from dp.payments.models import DirectPaymentAccount
    from dp.staff.models import User

    if PayRecord.objects.exists():
        return
    params = {
        "as_of": AS_OF,
        "author": User.objects.get(username="bench-worker").pk,
        "first": DirectPaymentAccount.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in EMPLOYMENT_SQL:
            cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE employment_payrecord")
        cursor.execute("ANALYZE employment_commitment")
        cursor.execute("ANALYZE plans_planpayee")
    print(f"  pay records and money owed: {time.monotonic() - started:.1f} s", flush=True)


FLOOR_SQL = """
SELECT count(*), sum(n) FROM (
    SELECT account_id, count(*) AS n, sum(amount_pence), max(posted_on)
      FROM monitoring_transaction WHERE posted_on >= %(start)s AND posted_on <= %(as_of)s
     GROUP BY account_id) x
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=250_000)
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    build(args.accounts, args.transactions)
    reconciliations()
    employment()

    from django.db import connection

    from dp.audits.selectors import monitoring_thresholds
    from dp.audits.sweep import WINDOW_DAYS, run_sweep
    from dp.monitoring.models import Transaction

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audits_finding")
    transactions = Transaction.objects.count()
    start = AS_OF - dt.timedelta(days=WINDOW_DAYS)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"start": start, "as_of": AS_OF})
        floor_accounts, floor_rows = cursor.fetchone()
    floor = time.perf_counter() - started
    print(f"floor: {floor_rows} transactions of {floor_accounts} accounts grouped in {floor:.2f} s", flush=True)

    thresholds = monitoring_thresholds(AS_OF)
    started = time.perf_counter()
    result = run_sweep(as_of=AS_OF, thresholds=thresholds, workers=args.workers)
    seconds = time.perf_counter() - started
    print(
        f"sweep: {result.accounts} accounts, {result.evaluated} looked at closely, {result.raised} findings "
        f"in {seconds:.2f} s with {args.workers} worker(s)",
        flush=True,
    )
    from django.db.models import Count

    from dp.audits.models import Finding
    from dp.employment.models import Commitment, PayRecord

    by_code = dict(Finding.objects.values_list("code").annotate(n=Count("id")).values_list("code", "n"))
    print(f"findings by check: {by_code}")
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report(
        bench="monitoring_sweep",
        peak_rss_mb=round(max(peak_rss_mb(), children), 1),
        n=transactions,
        accounts=result.accounts,
        seconds=round(seconds, 2),
        floor_seconds=round(floor, 2),
        ratio=round(seconds / floor, 2) if floor else None,
        workers=args.workers,
        evaluated=result.evaluated,
        findings=result.raised,
        pay_records=PayRecord.objects.count(),
        commitments=Commitment.objects.count(),
    )


if __name__ == "__main__":
    main()
