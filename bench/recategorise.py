"""Categorising transactions again: one person's year after their support plan changed, and the whole council's
"apply the rules" over every unexplained line.

Run: .venv/bin/python bench/recategorise.py [--accounts 250000] [--lines-per-account 4] [--person-lines 1000]
     [--skip-council]

Builds (once, kept in its own database `test_direct_payments_bench_recategorise`) `--accounts` people, each with
an active case and a prepaid card account, and `--lines-per-account` unexplained statement lines each (1,000,000 at
250,000 accounts: about a tenth of a council's year of 10,000,000 lines, the share left unexplained), made in SQL;
three council merchant rules; and one more person with a year of `--person-lines` card lines (Personal Assistant
wages, shopping, a pharmacy, a few unknown payees) and two support plans: plan 1 (Personal Assistant hours, nobody
named) superseded by plan 2 (the same hours paid to Jo Bloggs, named on the plan).

Each run puts the lines back as the importer left them (not timed), then times, in the same process:
- one person's year: `plan_transactions_recategorise` for plan 2 from a year ago (what approving it queues):
  `person_seconds` (the wages become matched to the plan's payee), then again with nothing left to change
  (`person_again_seconds`); the median of `--repeat` runs each;
- the whole council: `transactions_recategorise` (the "apply the rules" task: unexplained lines, all dates):
  `seconds`; `floor_seconds` is one pass reading the same lines' text and categorisation in SQL (the least any
  re-categorising has to read); `again_seconds` a second run, with nothing left to change.
With `--skip-council`, `seconds` and `floor_seconds` are the one person's figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from decimal import Decimal

os.environ.setdefault("DP_TEST_DB", "bench_recategorise")

from _harness import report, setup_django

AS_OF = dt.date(2030, 1, 7)
YEAR_AGO = AS_OF - dt.timedelta(days=365)
RULES = [("Corner Shop", "groceries"), ("Helping Hands", "care_agency"), ("Northmoor Buses", "transport")]

# Line n of the council's unexplained lines: account = n % accounts; what it is depends on n (every merchant
# distinct per account group, as on real statements, so the categoriser's per-(merchant, description) cache
# works as hard as it would).
COUNCIL_LINES_SQL = """
INSERT INTO monitoring_transaction (account_id, posted_on, amount_pence, description, merchant,
    merchant_category_code, balance_pence, dedup_key, provider_transaction_id, statement_import_id, line_number,
    status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
SELECT a.first + g.n %% %(accounts)s, %(as_of)s::date - (g.n / %(accounts)s) * 17 - (g.n %% 7),
       -(500 + g.n %% 9000)::bigint, 'Card purchase',
       CASE g.n %% 4 WHEN 0 THEN 'CORNER SHOP ' || (g.n %% 300)
                     WHEN 1 THEN 'Helping Hands Care Ltd'
                     WHEN 2 THEN 'NORTHMOOR BUSES'
                     ELSE 'Shop ' || (g.n %% 5000) END,
       '', NULL, md5('c' || g.n::text), '', %(import)s, g.n, 'unexplained', '', NULL, '', 'nothing', '',
       'No known payee, council rule or merchant category code matched it'
  FROM generate_series(0, %(rows)s - 1) AS g(n)
  CROSS JOIN (SELECT min(id) AS first FROM payments_directpaymentaccount) a
"""

# The one person's year: wages to Jo Bloggs each week (unexplained until plan 2 names her), shopping, a pharmacy
# (merchant category code), and unknown payees.
PERSON_LINES_SQL = """
INSERT INTO monitoring_transaction (account_id, posted_on, amount_pence, description, merchant,
    merchant_category_code, balance_pence, dedup_key, provider_transaction_id, statement_import_id, line_number,
    status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
SELECT %(account)s, %(year_ago)s::date + (g.n * 365 / %(rows)s), x.amount, x.description, x.merchant, x.mcc, NULL,
       md5('p' || g.n::text), '', %(import)s, g.n, x.status, x.category, NULL, '', x.matched, '', x.reason
  FROM generate_series(0, %(rows)s - 1) AS g(n)
  CROSS JOIN LATERAL (SELECT * FROM (VALUES
      (g.n %% 4 = 0, -12000::bigint, 'Faster payment', 'JO BLOGGS', '', 'unexplained', '', 'nothing', 'Nothing'),
      (g.n %% 4 = 1, -(800 + g.n %% 3000)::bigint, 'Card purchase', 'CORNER SHOP 12', '', 'unexplained', '',
       'nothing', 'Nothing'),
      (g.n %% 4 = 2, -(300 + g.n %% 900)::bigint, 'Card purchase', 'Brambles Pharmacy', '5912', 'unexplained',
       'pharmacy', 'merchant_category_code', 'Pharmacy, not part of any line'),
      (true, -(1000 + g.n %% 5000)::bigint, 'Transfer', 'A N OTHER ' || (g.n %% 20), '', 'unexplained', '',
       'nothing', 'Nothing')
    ) AS v(applies, amount, description, merchant, mcc, status, category, matched, reason)
    WHERE v.applies LIMIT 1) x
"""

FLOOR_SQL = """
SELECT count(*), sum(length(merchant) + length(description) + length(reason)), count(DISTINCT account_id)
  FROM monitoring_transaction
 WHERE status = 'unexplained' AND matched_by NOT IN ('payee', 'manual') AND contribution_receipt_id IS NULL
"""


def build(accounts: int, lines_per_account: int, person_lines: int) -> None:
    from django.db import connection, transaction

    from dp.monitoring.models import MerchantRule, StatementImport, Transaction
    from dp.payments.models import DirectPaymentAccount
    from dp.staff.models import Team, User

    have = DirectPaymentAccount.objects.count()
    if have == accounts + 1 and Transaction.objects.exists():
        print(f"{have} accounts and their transactions already in the benchmark database")
        return
    if have:
        raise SystemExit(
            "The benchmark database is half built or another size: drop test_direct_payments_bench_recategorise."
        )
    started = time.monotonic()

    def step(label: str, sql: str, params: object = ()) -> None:
        t = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        print(f"  {label}: {time.monotonic() - t:.1f} s", flush=True)

    with transaction.atomic():
        team = Team.objects.create(name="Bench team")
        User.objects.create(username="bench-worker", first_name="Bench", last_name="Worker", team=team)
        imported = StatementImport.objects.create(
            file="bench.csv", file_name="bench.csv", format="card_csv", sha256="0" * 64, size_bytes=0, status="done"
        )
        for position, (pattern, category) in enumerate(RULES):
            MerchantRule.objects.create(
                pattern=pattern, category=category, position=position, effective_from=dt.date(2020, 1, 1)
            )
    worker = User.objects.get(username="bench-worker")
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
        [accounts + 1],
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
          FROM people_person p ORDER BY p.id
        """,
    )
    step(
        f"{accounts * lines_per_account} council lines",
        COUNCIL_LINES_SQL,
        {"accounts": accounts, "rows": accounts * lines_per_account, "as_of": AS_OF, "import": imported.pk},
    )
    person_account = DirectPaymentAccount.objects.order_by("-pk").first()
    assert person_account is not None
    _plans_for(person_account.person_id, worker)
    step(
        f"{person_lines} lines of one person's year",
        PERSON_LINES_SQL,
        {"account": person_account.pk, "rows": person_lines, "year_ago": YEAR_AGO, "import": imported.pk},
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.monotonic() - started:.1f} s", flush=True)


def _plans_for(person_id: int, worker: object) -> None:
    """Plan 1 (PA hours, nobody named), superseded by plan 2 (the same hours paid to Jo Bloggs)."""
    from django.db import transaction
    from django.utils import timezone

    from dp.cases.models import Case
    from dp.plans.models import PlanLine, PlanPayee, SupportPlan
    from dp.staff.models import Team, User

    approver = User.objects.create(
        username="bench-manager", first_name="Bench", last_name="Manager", team=Team.objects.get()
    )
    case = Case.objects.get(person_id=person_id)
    now = timezone.now()
    with transaction.atomic():
        for version, status, payee_name in ((1, "superseded", None), (2, "approved", "Jo Bloggs")):
            plan = SupportPlan.objects.create(
                case=case, version=version, status=status, author=worker, approved_by=approver, approved_at=now
            )
            payee = (
                PlanPayee.objects.create(
                    plan=plan, name=payee_name, relationship="not_related", lives_in_same_household=False
                )
                if payee_name
                else None
            )
            PlanLine.objects.create(
                plan=plan,
                kind="personal_assistant",
                category="personal_assistant",
                description="Personal Assistant for morning routine",
                funding="direct_payment",
                quantity=Decimal(10),
                unit_cost_pence=1200,
                payee=payee,
                weekly_cost_pence=12000,
            )


PUT_BACK_SQL = """
UPDATE monitoring_transaction AS t
   SET status = v.status, category = v.category, plan_line_id = v.plan_line_id, payee_ref = v.payee_ref,
       matched_by = v.matched_by, rule_ref = v.rule_ref, reason = v.reason
  FROM (VALUES {values})
    AS v (merchant, description, mcc, status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
 WHERE {where} AND t.merchant = v.merchant AND t.description = v.description AND t.merchant_category_code = v.mcc
"""


def _put_back(categoriser: object, where: str, params: list[object]) -> float:
    """Categorise the lines `where` selects as the importer did (with `categoriser`), set-based; not timed."""
    from django.db import connection, transaction

    from dp.monitoring.domain.categorise import Categoriser

    assert isinstance(categoriser, Categoriser)
    started = time.monotonic()

    class Line:
        def __init__(self, merchant: str, description: str, mcc: str) -> None:
            self.amount_pence, self.merchant, self.description = -1, merchant, description
            self.merchant_category_code = mcc or None

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT merchant, description, merchant_category_code"
            f" FROM monitoring_transaction t WHERE {where}",
            params,
        )
        rows = []
        for merchant, description, mcc in cursor.fetchall():
            c = categoriser.categorise(Line(merchant, description, mcc))
            rows.append(
                (
                    merchant,
                    description,
                    mcc,
                    c.status,
                    c.category.value if c.category else "",
                    int(c.plan_line_id) if c.plan_line_id else None,
                    c.payee_id or "",
                    c.matched_by,
                    c.rule_id or "",
                    c.reason[:500],
                )
            )
        for start in range(0, len(rows), 2000):
            batch = rows[start : start + 2000]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s::bigint, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                PUT_BACK_SQL.format(values=values, where=where),
                [*(value for row in batch for value in row), *params],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_transaction")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=250_000)
    parser.add_argument("--lines-per-account", type=int, default=4)
    parser.add_argument("--person-lines", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-council", action="store_true")
    args = parser.parse_args()
    setup_django()
    build(args.accounts, args.lines_per_account, args.person_lines)

    import time_machine
    from django.db import connection

    from dp.monitoring import services
    from dp.monitoring.domain.categorise import Categoriser, PlanLineRef
    from dp.monitoring.selectors import merchant_rules_in_force
    from dp.plans.models import PlanLine, SupportPlan
    from dp.staff.models import User

    actor = User.objects.get(username="bench-manager")
    plan = SupportPlan.objects.get(status="approved")
    account = plan.case.person.dp_accounts.get()
    figures: dict[str, object] = {}
    with time_machine.travel(dt.datetime(2030, 1, 7, 12, 0), tick=True):
        # As imported under plan 1 (PA hours, nobody named) with the council's rules.
        old_line = PlanLine.objects.get(plan__case=plan.case, plan__version=1)
        under_plan_1 = Categoriser(
            plan_lines=[PlanLineRef(str(old_line.pk), old_line.category, old_line.description)],
            rules=merchant_rules_in_force(AS_OF),
        )
        first, again = [], []
        for _ in range(args.repeat):
            put_back = _put_back(under_plan_1, "t.account_id = %s", [account.pk])
            print(f"  the person's lines put back as imported under plan 1 in {put_back:.1f} s", flush=True)
            started = time.perf_counter()
            result = services.plan_transactions_recategorise(actor=actor, plan_id=plan.pk, since=YEAR_AGO)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            unchanged = services.plan_transactions_recategorise(actor=actor, plan_id=plan.pk, since=YEAR_AGO)
            again.append(time.perf_counter() - started)
        assert result is not None
        assert unchanged is not None
        person_seconds, person_again = statistics.median(first), statistics.median(again)
        print(
            f"one person's year: {result.looked_at} lines looked at, {result.newly_explained} newly explained, "
            f"{result.changed} changed in {person_seconds:.3f} s (median of {args.repeat}); again "
            f"({unchanged.changed} changed) in {person_again:.3f} s",
            flush=True,
        )
        figures.update(
            person_lines=result.looked_at,
            person_changed=result.changed,
            person_seconds=round(person_seconds, 3),
            person_again_seconds=round(person_again, 3),
        )
        if args.skip_council:
            report(
                bench="recategorise",
                n=result.looked_at,
                seconds=round(person_seconds, 3),
                floor_seconds=None,
                ratio=None,
                **figures,
            )
            return

        # As imported before the council added its rules: every line unexplained, nothing matched.
        put_back = _put_back(Categoriser(plan_lines=(), rules=()), "t.account_id <> %s", [account.pk])
        print(f"  the council's lines put back as imported before the rules in {put_back:.1f} s", flush=True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            floor_lines, _, floor_accounts = cursor.fetchone()
        floor = time.perf_counter() - started
        print(f"floor: {floor_lines} unexplained lines of {floor_accounts} accounts read in {floor:.2f} s", flush=True)
        started = time.perf_counter()
        council = services.transactions_recategorise(actor=actor)
        seconds = time.perf_counter() - started
        print(
            f"apply the rules: {council.looked_at} lines looked at, {council.newly_explained} newly explained, "
            f"{council.changed} changed in {seconds:.2f} s",
            flush=True,
        )
        started = time.perf_counter()
        council_again = services.transactions_recategorise(actor=actor)
        again_seconds = time.perf_counter() - started
        print(f"again: {council_again.changed} changed in {again_seconds:.2f} s", flush=True)
    report(
        bench="recategorise",
        n=council.looked_at,
        accounts=floor_accounts,
        seconds=round(seconds, 2),
        floor_seconds=round(floor, 2),
        ratio=round(seconds / floor, 2) if floor else None,
        changed=council.changed,
        again_seconds=round(again_seconds, 2),
        **figures,
    )


if __name__ == "__main__":
    main()
