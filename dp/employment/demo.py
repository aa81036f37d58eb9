"""Demo steps for employing Personal Assistants: pay records from a payroll bureau and timesheets, and money owed.

Built from the approved support plans' payees (the people paid from the direct payment) and each person's open
direct payment account:
- four-weekly pay records for the last six periods for most PAs (80 to 160 hours at £12.75 to £15.00 an hour,
  from the payroll bureau's monthly file or a timesheet); two PAs were paid below the minimum wage for one
  period, so the monitoring sweep (run by the audits steps after this) raises the minimum wage check;
- money owed for about one account in five: unpaid wages, tax and National Insurance for the quarter, an
  agency's invoice; some already paid, one withdrawn.
Every record has its audit event, as the services would write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dp.employment.constants import CommitmentKind, CommitmentStatus, EmploymentEventType, PaySource
from dp.employment.models import Commitment, PayRecord
from dp.payments.constants import AccountStatus
from dp.payments.models import DirectPaymentAccount
from dp.plans.constants import PlanStatus
from dp.plans.models import PlanPayee

PERIODS = 6
UNDERPAID = 2  # PAs paid below the minimum wage for one period


def _accounts_by_person() -> dict[int, DirectPaymentAccount]:
    found: dict[int, DirectPaymentAccount] = {}
    for account in DirectPaymentAccount.objects.filter(status=AccountStatus.OPEN).select_related("person"):
        found.setdefault(account.person_id, account)
    return found


def step_pay_records(ctx: Any) -> None:
    rng, today = ctx.rng, ctx.today
    officer = ctx.staff.get("payments.officer")
    accounts = _accounts_by_person()
    payees = [
        p
        for p in PlanPayee.objects.filter(plan__status=PlanStatus.APPROVED).select_related("plan__case").order_by("pk")
        if p.plan.case.person_id in accounts
    ]
    last_end = today - dt.timedelta(days=today.weekday() + 7)  # a Monday at least a week ago
    records: list[PayRecord] = []
    underpaid = 0
    for payee in payees:
        if rng.random() < 0.15:
            continue  # no hours known for this PA
        account = accounts[payee.plan.case.person_id]
        born_on = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        bureau = rng.random() < 0.7
        low_period = rng.randrange(PERIODS) if underpaid < UNDERPAID else None
        underpaid += low_period is not None
        for k in range(PERIODS):
            end = last_end - dt.timedelta(weeks=4 * k)
            hours = Decimal(rng.randint(320, 640)) / 4
            rate = 1000 if k == low_period else rng.randint(1275, 1500)
            records.append(
                PayRecord(
                    account=account,
                    payee=payee,
                    period_start_on=end - dt.timedelta(weeks=4),
                    period_end_on=end,
                    worked_on=end - dt.timedelta(days=1),
                    hours_worked=hours,
                    gross_pay_pence=int(hours * rate),
                    pa_date_of_birth=born_on,
                    source=PaySource.PAYROLL_BUREAU if bureau else PaySource.TIMESHEET,
                    source_reference=f"northmoor-payroll-{end:%Y-%m}.csv" if bureau else "",
                    recorded_by=officer,
                    recorded_at=ctx.moment(end + dt.timedelta(days=3)),
                )
            )
    PayRecord.objects.bulk_create(records, batch_size=2000)
    for record in records:
        ctx.event(
            event_type=EmploymentEventType.PAY_RECORDED,
            subject=record,
            at=record.recorded_at,
            actor=officer,
            person=record.account.person,
            summary=f"Pay recorded for {record.payee.name}: {record.hours_worked} hours",
        )


OWED = [
    (CommitmentKind.UNPAID_WAGES, "wages for the last week of the month", 20000, 60000),
    (CommitmentKind.TAX_AND_NI, "HMRC", 15000, 45000),
    (CommitmentKind.INVOICE, "Homecare Staffing Agency", 30000, 120000),
    (CommitmentKind.HOLIDAY_PAY, "holiday pay on leaving", 10000, 40000),
    (CommitmentKind.PENSION, "NEST", 2000, 6000),
]


def step_commitments(ctx: Any) -> None:
    rng, today = ctx.rng, ctx.today
    officer = ctx.staff.get("payments.officer")
    made: list[Commitment] = []
    withdrawn = False
    for account in _accounts_by_person().values():
        if rng.random() >= 0.2:
            continue
        for _ in range(rng.randint(1, 3)):
            kind, owed_to, low, high = rng.choice(OWED)
            if owed_to.islower():
                owed_to = f"PA ({owed_to})"
            recorded_on = today - dt.timedelta(days=rng.randint(3, 60))
            c = Commitment(
                account=account,
                kind=kind,
                amount_pence=rng.randint(low // 100, high // 100) * 100,
                owed_to=owed_to,
                due_on=recorded_on + dt.timedelta(days=rng.choice([14, 30])),
                reference=f"INV-{rng.randint(1000, 9999)}" if kind == CommitmentKind.INVOICE else "",
                evidence_note="Seen on the last payslip run" if kind != CommitmentKind.INVOICE else "Invoice seen",
                recorded_on=recorded_on,
                recorded_by=officer,
                recorded_at=ctx.moment(recorded_on),
            )
            settle_by = recorded_on + dt.timedelta(days=rng.randint(1, 20))
            if rng.random() < 0.4 and settle_by <= today:
                c.status, c.settled_on, c.settled_by = CommitmentStatus.SETTLED, settle_by, officer
            elif not withdrawn:
                withdrawn = True
                c.status, c.withdrawn_on, c.withdrawn_by = CommitmentStatus.WITHDRAWN, recorded_on, officer
                c.withdrawn_reason = "Recorded against the wrong account"
            made.append(c)
    Commitment.objects.bulk_create(made)
    for c in made:
        ctx.event(
            event_type=EmploymentEventType.COMMITMENT_RECORDED,
            subject=c,
            at=c.recorded_at,
            actor=officer,
            person=c.account.person,
            summary=f"Money owed recorded: {c.label}",
        )


STEPS = [step_pay_records, step_commitments]
