"""Demo steps for monitoring: a year of card and bank transactions for every direct payment account, imported
from statements and categorised, with the council's merchant rules and a provider's column layout.

Built from what the payments steps made (so the money in matches the ledger):
- money in: every payment sent to the account (on its pay date) and every contribution paid in (linked to
  its `ContributionReceipt`; people whose contributions fell behind simply have fewer, so their arrears
  show);
- money out, about 85-98% of what came in (some 15% of accounts spend much less: surplus): Personal
  Assistants' wages every week to the payees named in the person's support plan (or a care agency's
  invoice every four weeks), payroll and employer's insurance, day centre sessions, equipment now and
  then, transport, some cash (card accounts), a few odd or prohibited items (betting, a pub, an unknown
  payee), a little general shopping, and now and then a shop's refund (money in the ledger does not know
  about, so that account's balance shows a difference);
- card accounts' lines come from monthly card provider files (our card CSV layout); each bank and managed
  account has its own statement import. One import failed (a provider's file with a fraction of a penny).

Each line is categorised with the same `Categoriser` the importer uses, and written with COPY. Then a member
of staff categorises a few unexplained lines by hand (`services.transaction_categorise`, so they are audited
and re-categorising leaves them alone): one put against a line of the person's support plan, one against a
spending category.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any

from django.db import connection

from dp.monitoring.constants import (
    ImportStatus,
    MonitoringEventType,
    RuleMatch,
    StatementFormatChoice,
    TransactionStatus,
)
from dp.monitoring.models import ColumnMappingProfile, MerchantRule, StatementImport, StatementReconciliation
from dp.monitoring.selectors import categorisers_for_accounts
from dp.payments.constants import AccountKind, PaymentRunStatus
from dp.payments.models import ContributionReceipt, DirectPaymentAccount, Payment
from dp.plans.constants import Funding, LineKind, PlanStatus
from dp.plans.models import PlanLine

#: The council's own rules (words → category); card lines also carry merchant category codes.
DEMO_RULES = [
    ("Daybreak Day Centre", "social_care_and_community"),
    ("Homecare Staffing Agency", "care_agency"),
    ("Payroll Bureau", "employment_costs"),
    ("Employers Insurance", "insurance"),
    ("Swim and Gym", "leisure"),
    ("Ability Mobility", "equipment"),
    ("Northmoor Community Transport", "transport"),
    ("Greenway Supermarket", "groceries"),
]

HERON_LAYOUT = {
    "posted_on": "Date",
    "date_formats": ["%d/%m/%Y"],
    "money_out": "Debit",
    "money_in": "Credit",
    "description": ["Details"],
    "merchant": "Merchant",
    "merchant_category_code": "MCC",
    "balance": "Balance",
    "account_reference": "Card",
    "skip_lines": 1,
}

COPY_COLUMNS = (
    "account_id, posted_on, amount_pence, description, merchant, merchant_category_code, balance_pence, dedup_key, "
    "provider_transaction_id, statement_import_id, line_number, status, category, plan_line_id, payee_ref, "
    "matched_by, rule_ref, reason, contribution_receipt_id"
)


class _Line:
    __slots__ = ("amount_pence", "description", "merchant", "merchant_category_code")

    def __init__(self, amount_pence: int, merchant: str, description: str, mcc: str | None) -> None:
        self.amount_pence = amount_pence
        self.merchant = merchant
        self.description = description
        self.merchant_category_code = mcc


def step_merchant_rules(ctx: Any) -> None:
    officer = ctx.staff.get("dp.support")
    start = ctx.today - dt.timedelta(days=400)
    rules = MerchantRule.objects.bulk_create(
        [
            MerchantRule(
                pattern=pattern,
                match=RuleMatch.CONTAINS,
                category=category,
                position=10 * (i + 1),
                effective_from=start,
                created_by=officer,
                note="Set up with the council's monitoring policy",
            )
            for i, (pattern, category) in enumerate(DEMO_RULES)
        ]
    )
    for rule in rules:
        ctx.event(
            event_type=MonitoringEventType.RULE_ADDED,
            subject=rule,
            actor=officer,
            at=ctx.moment(start),
            summary=f"Merchant rule added: {rule.pattern!r} is {rule.get_category_display()}",
        )
    ColumnMappingProfile.objects.create(provider="Heron Card Services", mapping=HERON_LAYOUT, updated_by=officer)


def _spending(ctx: Any, account: DirectPaymentAccount, money_in: int, start: dt.date, lines: list[PlanLine]) -> list:
    """(date, -pence, merchant, description, mcc) for the account's spending over [start, today]."""
    rng, today = ctx.rng, ctx.today
    card = account.kind == AccountKind.PREPAID_CARD
    surplus = rng.random() < 0.15
    share = rng.uniform(0.45, 0.65) if surplus else rng.uniform(0.85, 0.98)
    budget = int(money_in * share)
    weeks = max(1, (today - start).days // 7)
    weekly = budget // weeks
    payees = sorted({line.payee.name for line in lines if line.payee_id and line.payee}, key=str)
    kinds = {line.kind for line in lines}
    out: list[tuple[dt.date, int, str, str, str]] = []

    def add(on: dt.date, pence: int, merchant: str, description: str, mcc: str) -> None:
        if on <= today and pence > 0:
            out.append((on, -pence, merchant, description, mcc if card else ""))

    care = int(weekly * 0.7)
    for week in range(weeks):
        monday = start + dt.timedelta(days=7 * week)
        if payees:
            for name in payees[:2]:
                add(monday + dt.timedelta(days=4), care // min(len(payees), 2), name, "Faster payment wages", "")
        elif week % 4 == 0:
            add(monday + dt.timedelta(days=2), care * 4, "Homecare Staffing Agency", "Invoice", "7361")
        if LineKind.DAY_OPPORTUNITY in kinds or rng.random() < 0.3:
            add(monday + dt.timedelta(days=1), int(weekly * 0.12), "Daybreak Day Centre", "Day session", "8398")
        if rng.random() < 0.35:
            add(monday + dt.timedelta(days=3), rng.randint(300, 1800), "Northmoor Community Transport", "Fare", "4111")
        if card and rng.random() < 0.2:
            add(monday + dt.timedelta(days=5), rng.choice([2000, 3000, 4000]), "Cashpoint", "Cash withdrawal", "6011")
        if rng.random() < 0.08:
            add(monday + dt.timedelta(days=6), rng.randint(500, 4000), "Greenway Supermarket", "Card purchase", "5411")
        if week % 4 == 1 and payees:
            add(monday, rng.randint(1500, 2500), "Payroll Bureau", "Payroll service", "8931")
    if LineKind.EQUIPMENT in kinds or rng.random() < 0.3:
        add(
            start + dt.timedelta(days=rng.randint(20, 300)),
            rng.randint(4000, 40000),
            "Ability Mobility Ltd",
            "",
            "5047",
        )
    if payees:
        add(
            start + dt.timedelta(days=rng.randint(5, 40)),
            rng.randint(9000, 16000),
            "Employers Insurance Co",
            "",
            "6300",
        )
    if rng.random() < 0.05:  # a merchant's refund: money in that the ledger does not know (a difference)
        on = start + dt.timedelta(days=rng.randint(30, 300))
        if on <= today:
            out.append((on, rng.randint(500, 3000), "Greenway Supermarket", "Refund", "5411" if card else ""))
    odd = rng.random()
    if odd < 0.03:
        add(start + dt.timedelta(days=rng.randint(30, 330)), rng.randint(1000, 5000), "Lucky Stars Betting", "", "7995")
    elif odd < 0.06:
        add(start + dt.timedelta(days=rng.randint(30, 330)), rng.randint(1500, 4500), "The Red Lion", "Bar", "5813")
    elif odd < 0.1:
        add(start + dt.timedelta(days=rng.randint(30, 330)), rng.randint(2000, 9000), "J Smith", "Transfer", "")
    return out


def step_transactions(ctx: Any) -> None:
    rng, today = ctx.rng, ctx.today
    officer = ctx.staff.get("payments.officer")
    money_in: dict[int, list[tuple[dt.date, int, str, str, int | None]]] = defaultdict(list)
    for pk, account_id, pay_on, amount in (
        Payment.objects.filter(
            cancelled=False, amount_pence__gt=0, run__status=PaymentRunStatus.COMPLETED, pay_on__lte=today
        )
        .order_by("pk")
        .values_list("pk", "account_id", "pay_on", "amount_pence")
    ):
        money_in[account_id].append((pay_on, amount, "", f"Northmoor City Council direct payment P{pk}", None))
    for pk, account_id, received_on, amount in (
        ContributionReceipt.objects.filter(schedule__basis="net", schedule__account__isnull=False)
        .filter(received_on__lte=today)
        .order_by("pk")
        .values_list("pk", "schedule__account_id", "received_on", "amount_pence")
    ):
        money_in[account_id].append((received_on, amount, "", "Contribution standing order", pk))
    accounts = list(DirectPaymentAccount.objects.filter(pk__in=money_in).select_related("person").order_by("pk"))
    if not accounts:
        return
    plan_lines: dict[int, list[PlanLine]] = defaultdict(list)
    for line in (
        PlanLine.objects.filter(
            plan__status=PlanStatus.APPROVED,
            funding=Funding.DIRECT_PAYMENT,
            plan__case__person_id__in={a.person_id for a in accounts},
        )
        .select_related("payee", "plan__case")
        .order_by("pk")
    ):
        plan_lines[line.plan.case.person_id].append(line)
    groups, categorisers = categorisers_for_accounts([a.pk for a in accounts], on=today)

    card_imports: dict[tuple[int, int], StatementImport] = {}
    own_imports: dict[int, StatementImport] = {}

    def import_for(account: DirectPaymentAccount, on: dt.date) -> StatementImport:
        if account.kind == AccountKind.PREPAID_CARD:
            key = (on.year, on.month)
            if key not in card_imports:
                card_imports[key] = StatementImport(
                    file=f"monitoring/statements/demo/allpay-{on:%Y-%m}.csv",
                    file_name=f"allpay-{on:%Y-%m}.csv",
                    format=StatementFormatChoice.CARD_CSV,
                    sha256=hashlib.sha256(f"demo-card-{on:%Y-%m}".encode()).hexdigest(),
                    size_bytes=1,
                    uploaded_by=officer,
                    status=ImportStatus.DONE,
                )
            return card_imports[key]
        if account.pk not in own_imports:
            bank = account.kind == AccountKind.BANK
            name = f"statement-{account.pk}.{'ofx' if bank else 'csv'}"
            own_imports[account.pk] = StatementImport(
                file=f"monitoring/statements/demo/{name}",
                file_name=name,
                format=StatementFormatChoice.OFX if bank else StatementFormatChoice.BANK_CSV,
                account=account,
                sha256=hashlib.sha256(f"demo-own-{account.pk}".encode()).hexdigest(),
                size_bytes=1,
                uploaded_by=officer,
                status=ImportStatus.DONE,
            )
        return own_imports[account.pk]

    # (account, date, amount, merchant, description, mcc, contribution receipt id), in date order per account
    rows: list[tuple[DirectPaymentAccount, dt.date, int, str, str, str, int | None]] = []
    for account in accounts:
        incoming = money_in[account.pk]
        if not incoming:
            continue
        start = min(m[0] for m in incoming)
        total_in = sum(m[1] for m in incoming)
        lines = [(on, pence, merchant, text, "", receipt) for on, pence, merchant, text, receipt in incoming]
        spent = _spending(ctx, account, total_in, start, plan_lines[account.person_id])
        lines += [(on, pence, merchant, text, mcc, None) for on, pence, merchant, text, mcc in spent]
        lines.sort(key=lambda x: (x[0], -x[1]))
        rows += [(account, *line) for line in lines]

    imports_used: dict[int, StatementImport] = {}
    for account, on, *_ in rows:
        imp = import_for(account, on)
        imports_used[id(imp)] = imp
    created = StatementImport.objects.bulk_create(list(imports_used.values()))
    stats: dict[int, dict[str, Any]] = defaultdict(lambda: {"added": 0, "unexplained": 0, "matched": 0})
    balance: dict[int, int] = defaultdict(int)
    line_numbers: dict[int, int] = defaultdict(lambda: 1)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY monitoring_transaction ({COPY_COLUMNS}) FROM STDIN") as copy,
    ):
        for n, (account, on, pence, merchant, text, mcc, receipt) in enumerate(rows):
            imp = import_for(account, on)
            balance[account.pk] += pence
            line_numbers[imp.pk] += 1
            result = categorisers[groups[account.pk]].categorise(_Line(pence, merchant, text, mcc or None))
            reason = "Contribution paid in, recorded by the payments team" if receipt else result.reason
            stats[imp.pk]["added"] += 1
            stats[imp.pk]["unexplained"] += result.status == TransactionStatus.UNEXPLAINED
            stats[imp.pk]["matched"] += receipt is not None
            stats[imp.pk].setdefault("first", on)
            stats[imp.pk]["last"] = on
            copy.write_row(
                (
                    account.pk,
                    on,
                    pence,
                    text,
                    merchant,
                    mcc,
                    balance[account.pk],
                    hashlib.sha256(f"demo:{account.pk}:{n}".encode()).hexdigest()[:32],
                    f"D{n:08d}" if account.kind == AccountKind.PREPAID_CARD else "",
                    imp.pk,
                    line_numbers[imp.pk],
                    result.status,
                    result.category.value if result.category else "",
                    int(result.plan_line_id) if result.plan_line_id else None,
                    result.payee_id or "",
                    result.matched_by,
                    result.rule_id or "",
                    reason[:500],
                    receipt,
                )
            )
    for imp in created:
        s = stats[imp.pk]
        imp.lines_read = imp.lines_added = s["added"]
        imp.unexplained, imp.contributions_matched = s["unexplained"], s["matched"]
        imp.first_posted_on, imp.last_posted_on = s.get("first"), s.get("last")
        imp.bytes_read = imp.size_bytes
        finished = ctx.moment(min(today, (s.get("last") or today) + dt.timedelta(days=3)))
        imp.started_at = imp.finished_at = finished
    StatementImport.objects.bulk_update(
        created,
        [
            "lines_read",
            "lines_added",
            "unexplained",
            "contributions_matched",
            "first_posted_on",
            "last_posted_on",
            "bytes_read",
            "started_at",
            "finished_at",
        ],
        batch_size=1000,
    )
    for imp in created:
        ctx.event(
            event_type=MonitoringEventType.IMPORT_DONE,
            subject=imp,
            actor=officer,
            at=imp.finished_at,
            summary=f"Statement {imp.file_name} imported: {imp.lines_added} new transactions, 0 already imported",
        )
    _reconcile(created)
    failed = StatementImport.objects.create(
        file="monitoring/statements/demo/heron-latest.csv",
        file_name=f"heron-{today:%Y-%m}.csv",
        format=StatementFormatChoice.MAPPED_CSV,
        mapping=ColumnMappingProfile.objects.get(provider="Heron Card Services"),
        sha256=hashlib.sha256(b"demo-failed").hexdigest(),
        size_bytes=48213,
        uploaded_by=officer,
        status=ImportStatus.FAILED,
        started_at=ctx.moment(today),
        finished_at=ctx.moment(today),
        lines_read=213,
        error_message=f"heron-{today:%Y-%m}.csv, line 214, Debit: '12.345' has a fraction of a penny",
        error_line=214,
        error_field="Debit",
    )
    ctx.event(
        event_type=MonitoringEventType.IMPORT_FAILED,
        subject=failed,
        actor=officer,
        at=failed.finished_at,
        summary=f"Statement import of {failed.file_name} failed: nothing was imported",
    )
    del rng


def _reconcile(imports: list[StatementImport]) -> None:
    """Each import's last balance per account against the ledger (as the importer does)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH last_line AS (
                SELECT DISTINCT ON (t.statement_import_id, t.account_id)
                       t.statement_import_id, t.account_id, t.posted_on, t.balance_pence
                  FROM monitoring_transaction t
                 WHERE t.statement_import_id = ANY(%s) AND t.balance_pence IS NOT NULL
                 ORDER BY t.statement_import_id, t.account_id, t.posted_on DESC, t.line_number DESC
            )
            SELECT l.statement_import_id, l.account_id, l.posted_on, l.balance_pence,
                   coalesce((SELECT sum(e.debit_pence - e.credit_pence)
                               FROM ledger_entry e
                               JOIN ledger_account la ON la.id = e.account_id
                               JOIN ledger_journal j ON j.id = e.journal_id
                              WHERE la.key IN ('person:' || a.person_id || ':dp_account',
                                               'person:' || a.person_id || ':recoveries_due')
                                AND j.posted_on <= l.posted_on), 0)
                 + coalesce((SELECT sum(t.amount_pence) FROM monitoring_transaction t
                              WHERE t.account_id = l.account_id AND t.posted_on <= l.posted_on
                                AND t.amount_pence < 0), 0)
              FROM last_line l JOIN payments_directpaymentaccount a ON a.id = l.account_id
            """,
            [[imp.pk for imp in imports]],
        )
        StatementReconciliation.objects.bulk_create(
            [
                StatementReconciliation(
                    statement_import_id=import_id,
                    account_id=account_id,
                    balance_on=on,
                    statement_balance_pence=statement,
                    ledger_balance_pence=int(expected),
                    difference_pence=statement - int(expected),
                )
                for import_id, account_id, on, statement, expected in cursor.fetchall()
            ],
            batch_size=5000,
        )


#: Why staff categorised an unexplained line by hand (plan line, then category).
MANUAL_REASONS = [
    "The person's daughter sent the invoice: it is the PA's wages for a week, paid by card.",
    "Receipt seen at the review: a replacement bath seat from a mobility shop.",
]


def step_categorised_by_hand(ctx: Any) -> None:
    """Two unexplained payments out, categorised by hand by the direct payments support officer: the first
    against a line of the person's support plan, the second as care equipment."""
    from dp.monitoring.models import Transaction
    from dp.monitoring.selectors import plan_lines_for_categorising
    from dp.monitoring.services import transaction_categorise

    actor = ctx.staff.get("dp.support")
    if actor is None:
        return
    unexplained = (
        Transaction.objects.filter(
            status=TransactionStatus.UNEXPLAINED, amount_pence__lt=0, contribution_receipt__isnull=True
        )
        .select_related("account")
        .order_by("pk")[:500]
    )
    done: set[int] = set()
    for line in unexplained:
        if line.account_id in done:
            continue
        if not done:
            plan_line = plan_lines_for_categorising(line.account).first()
            if plan_line is None:
                continue
            transaction_categorise(
                actor=actor, transaction_=line, plan_line=plan_line, category="", reason=MANUAL_REASONS[0]
            )
        else:
            transaction_categorise(
                actor=actor, transaction_=line, plan_line=None, category="equipment", reason=MANUAL_REASONS[1]
            )
        done.add(line.account_id)
        if len(done) == len(MANUAL_REASONS):
            return


STEPS = [step_merchant_rules, step_transactions, step_categorised_by_hand]
