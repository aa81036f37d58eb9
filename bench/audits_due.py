"""The audits-due page at 250,000 direct payments: when each next audit is due, sorted, one page of 25.

Run: .venv/bin/python bench/audits_due.py [--accounts 250000] [--repeat 5]

Builds (once, kept in its own database `test_direct_payments_bench_audits`) 250,000 people, each with an active
case, a prepaid card account, a 4-weekly schedule paid for a year (13 payments each, 3,250,000 in all), made in
SQL; on purpose 2% of the direct payments ended in the last three months (their final audit), 30% of the people
audited in the last year, 1% with an audit open, 3% with an open finding, and 80% of the accounts with a
statement line in the last month (the rest get a full audit: no up-to-date statements).

Each repetition times, in the same process, for a DP support officer (the list is scoped to the people they may
open, as on the page):
- the floor: one pass over the payments grouping by schedule (`min(pay_on)`), the least any audit schedule has to
  read to know which direct payments have been paid and since when;
- the page: `dp.audits.selectors.AuditsDue(...).get_page(n)` as the view uses it (the page of 25 and the total for
  the pagination in one query, then those 25 with their reasons and tier): the first page (`seconds`) and a page
  in the middle (`middle_page_seconds`).
Figures are the medians of the repetitions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

os.environ.setdefault("DP_TEST_DB", "bench_audits")

from _harness import report, setup_django

AS_OF = dt.date(2030, 1, 7)  # a Monday on the benchmark's payment cycle
START = AS_OF - dt.timedelta(weeks=52)
POLICY = {
    "payment_cycle_weeks": 4,
    "payment_weekday": "0",
    "payment_cycle_offset_weeks": 0,
    "payment_basis": "net",
    "payment_bank_change_hold_days": 14,
    "audit_initial_check_weeks": 12,
    "audit_interval_months": 12,
    "audit_open_finding_days": 28,
    "audit_full_open_findings": 2,
    "audit_information_days": 28,
    "audit_final_days": 56,
    "audit_statement_max_age_days": 45,
    "recovery_response_days": 14,
    "recovery_invoice_days": 30,
    "recovery_review_days": 28,
}

STEPS = [
    (
        "people",
        """
        INSERT INTO people_person (created_at, updated_at, given_name, family_name, preferred_name,
            date_of_birth, address_line_1, address_line_2, town, postcode, phone, email, preferred_contact,
            communication_needs, nhs_number, has_ehcp, is_restricted, search_text)
        SELECT now(), now(), 'Given' || g, 'Family' || (g %% 5000), '', DATE '1950-01-01' + (g %% 20000),
               g || ' High Street', '', 'Northmoor', 'NM1 1AA', '', '', '', '', '', false, g %% 200 = 0,
               'given' || g || ' family' || (g %% 5000)
          FROM generate_series(1, %(accounts)s) AS g
        """,
    ),
    (
        "cases",
        """
        INSERT INTO cases_case (created_at, updated_at, reference, person_id, case_type, status,
            status_changed_at, team_id, worker_id, opened_on, closure_reason)
        SELECT now(), now(), 'B' || p.id, p.id, 'adult', 'active', now(), %(team)s, %(worker)s, DATE '2028-06-01', ''
          FROM people_person p
        """,
    ),
    (
        "accounts",
        """
        INSERT INTO payments_directpaymentaccount (created_at, updated_at, person_id, kind, holder_id, status,
            opened_on, closed_reason, provider, card_account_reference, card_last_four, card_status,
            account_name, client_reference)
        SELECT now(), now(), p.id, 'prepaid_card', p.id, 'open', DATE '2028-06-01', '', 'Allpay',
               'CARD-' || lpad(p.id::text, 8, '0'), '1234', 'active', '', ''
          FROM people_person p
        """,
    ),
    (
        "schedules (2% ended)",
        """
        INSERT INTO payments_paymentschedule (created_at, updated_at, case_id, person_id, account_id, start_on,
            period_weeks, basis, status, payable_from_on, agreement_signed_on, status_reason, ended_on)
        SELECT now(), now(), k.id, k.person_id, a.id, %(start)s, 4, 'net',
               CASE WHEN k.person_id %% 50 = 7 THEN 'ended' ELSE 'active' END, %(start)s, %(start)s, '',
               CASE WHEN k.person_id %% 50 = 7 THEN %(as_of)s::date - (k.person_id %% 90)::int END
          FROM cases_case k JOIN payments_directpaymentaccount a ON a.person_id = k.person_id
        """,
    ),
    (
        "amounts",
        """
        INSERT INTO payments_schedulechange (schedule_id, effective_on, weekly_budget_pence,
            weekly_contribution_pence, reason, created_at, source)
        SELECT s.id, s.start_on, 20000 + (s.person_id %% 300) * 100, (s.person_id %% 50) * 100, 'Agreed', now(), ''
          FROM payments_paymentschedule s
        """,
    ),
    (
        "a year of payments (13 each)",
        """
        INSERT INTO payments_payment (run_id, schedule_id, account_id, kind, period_start_on, period_end_on, pay_on,
            channel, basis, budget_pence, regular_pence, adjustment_pence, recovery_pence, amount_pence,
            contribution_due_pence, contribution_adjustment_pence, prorated, cancelled)
        SELECT %(run)s, s.id, s.account_id, 'regular', s.start_on + 28 * n, s.start_on + 28 * n + 27,
               s.start_on + 28 * n, 'card_provider', 'net', c.weekly_budget_pence * 4,
               (c.weekly_budget_pence - c.weekly_contribution_pence) * 4, 0, 0,
               (c.weekly_budget_pence - c.weekly_contribution_pence) * 4, c.weekly_contribution_pence * 4, 0, false,
               false
          FROM payments_paymentschedule s JOIN payments_schedulechange c ON c.schedule_id = s.id
         CROSS JOIN generate_series(0, 12) AS n
        """,
    ),
    (
        "audits (30% finished in the last year, 1% open)",
        """
        INSERT INTO audits_auditcase (person_id, case_id, account_id, schedule_id, tier, status, source, reasons,
            opened_on, opened_at, opened_by_id, information_requested, information_summary, outcome_notes,
            finished_on)
        SELECT s.person_id, s.case_id, s.account_id, s.id, 'light_touch',
               CASE WHEN s.person_id %% 100 = 3 THEN 'opened' ELSE 'no_action' END, 'schedule', 'Bench',
               %(as_of)s::date - (s.person_id %% 365)::int, now(), %(worker)s, '', '', '',
               CASE WHEN s.person_id %% 100 = 3 THEN NULL ELSE %(as_of)s::date - (s.person_id %% 365)::int END
          FROM payments_paymentschedule s
         WHERE s.person_id %% 10 IN (1, 4, 8) OR s.person_id %% 100 = 3
        """,
    ),
    (
        "open findings (3%)",
        """
        INSERT INTO audits_finding (code, title, severity, explanation, evidence, evidence_key, account_id,
            person_id, status, raised_on, raised_at, dismissed_reason)
        SELECT 'DP-PROHIBITED-SPEND', 'Spending the council''s policy does not allow',
               CASE WHEN s.person_id %% 2 = 0 THEN 'high' ELSE 'low' END, 'Bench', '[]', md5(s.id::text),
               s.account_id, s.person_id, 'open', %(as_of)s::date - (s.person_id %% 60)::int, now(), ''
          FROM payments_paymentschedule s
         WHERE s.person_id %% 100 IN (5, 6, 9)
        """,
    ),
    (
        "statement lines (80% of accounts in the last month)",
        """
        INSERT INTO monitoring_transaction (account_id, posted_on, amount_pence, description, merchant,
            merchant_category_code, balance_pence, dedup_key, provider_transaction_id, statement_import_id,
            line_number, status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
        SELECT a.id, %(as_of)s::date - (a.id %% 30)::int, -1250, 'Card purchase', 'Brambles Pharmacy', '5912', NULL,
               md5(a.id::text), '', %(import)s, a.id, 'unexplained', '', NULL, '', 'nothing', '', 'Nothing matched'
          FROM payments_directpaymentaccount a
         WHERE a.id %% 5 <> 0
        """,
    ),
]


def build(accounts: int) -> None:
    from django.db import connection, transaction

    from dp.payments.models import PaymentSchedule

    have = PaymentSchedule.objects.count()
    if have >= accounts:
        print(f"{have} direct payments already in the benchmark database")
        return
    if have:
        raise SystemExit("The benchmark database is another size: drop test_direct_payments_bench_audits.")
    started = time.monotonic()
    with transaction.atomic():  # all or nothing: a failed build leaves the database empty
        _build(accounts)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built {accounts} direct payments in {time.monotonic() - started:.1f} s", flush=True)


def _build(accounts: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from dp.councils.models import Council, PolicyValue
    from dp.monitoring.models import StatementImport
    from dp.payments.models import PaymentRun
    from dp.staff.models import Team, User
    from dp.staff.roles import Role

    council = Council.objects.create(name="Benchmark Council")
    now = timezone.now()
    for key, value in POLICY.items():
        PolicyValue.objects.create(
            council=council, key=key, value=value, effective_from=dt.date(2020, 1, 1), set_at=now, reason="bench"
        )
    team = Team.objects.create(name="Bench team")
    worker = User.objects.create(username="bench-worker", first_name="Bench", last_name="Worker", team=team)
    officer = User.objects.create(username="bench-support", first_name="Bench", last_name="Support", team=team)
    officer.groups.add(Group.objects.get_or_create(name=Role.DP_SUPPORT)[0])
    imported = StatementImport.objects.create(
        file="bench.csv", file_name="bench.csv", format="card_csv", sha256="0" * 64, size_bytes=0, status="done"
    )
    run = PaymentRun.objects.create(pay_on=START, request_key="bench", created_by=worker, status="completed")
    params = {
        "accounts": accounts,
        "team": team.pk,
        "worker": worker.pk,
        "start": START,
        "as_of": AS_OF,
        "run": run.pk,
        "import": imported.pk,
    }
    for label, sql in STEPS:
        t = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        print(f"  {label}: {time.monotonic() - t:.1f} s", flush=True)


FLOOR_SQL = "SELECT count(*) FROM (SELECT schedule_id, min(pay_on) FROM payments_payment GROUP BY schedule_id) x"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    build(args.accounts)

    from django.db import connection

    from dp.audits.selectors import AuditsDue
    from dp.staff.models import User

    officer = User.objects.get(username="bench-support")
    floors, firsts, middles = [], [], []
    count = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            cursor.fetchone()
        floors.append(time.perf_counter() - started)

        officer = User.objects.get(pk=officer.pk)  # the page's request: roles read afresh
        started = time.perf_counter()
        page = AuditsDue(today=AS_OF, user=officer).get_page(1)
        rows = list(page.object_list)
        firsts.append(time.perf_counter() - started)
        count = page.paginator.count

        middle = page.paginator.num_pages // 2
        started = time.perf_counter()
        rows_middle = list(AuditsDue(today=AS_OF, user=officer).get_page(middle).object_list)
        middles.append(time.perf_counter() - started)
        assert len(rows) == 25
        assert len(rows_middle) == 25
    tiers: dict[str, int] = {}
    for item in rows:
        tiers[item.due.tier or ""] = tiers.get(item.due.tier or "", 0) + 1
    print(
        f"{count} audits due listed; first page: {rows[0].due.due_on} to {rows[-1].due.due_on}, tiers {tiers}",
        flush=True,
    )
    seconds = statistics.median(firsts)
    floor = statistics.median(floors)
    report(
        bench="audits_due",
        n=args.accounts,
        listed=count,
        seconds=round(seconds, 3),
        middle_page_seconds=round(statistics.median(middles), 3),
        floor_seconds=round(floor, 3),
        ratio=round(seconds / floor, 2) if floor else None,
    )


if __name__ == "__main__":
    main()
