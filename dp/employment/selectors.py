"""Reads for the employment app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from dp.core.errors import PolicyMissing
from dp.employment.domain.pay import PayCheck, check_pay
from dp.employment.domain.payroll_file import age_on
from dp.employment.models import Commitment, PayRecord
from dp.monitoring.domain.surplus import Commitment as SurplusCommitment
from dp.payments.models import DirectPaymentAccount
from dp.plans.models import PlanPayee


def payees_for_account(account: DirectPaymentAccount) -> list[PlanPayee]:
    """The people paid from the direct payment on any of the person's support plans."""
    return list(
        PlanPayee.objects.filter(plan__case__person_id=account.person_id)
        .select_related("plan")
        .order_by("name", "-plan__version", "id")
    )


def account_pay_records(account: DirectPaymentAccount) -> QuerySet[PayRecord]:
    """Every pay record of the account (withdrawn ones too), newest period first."""
    return PayRecord.objects.filter(account=account).select_related("payee", "recorded_by", "withdrawn_by")


def account_commitments(account: DirectPaymentAccount) -> QuerySet[Commitment]:
    return Commitment.objects.filter(account=account).select_related("recorded_by", "settled_by", "withdrawn_by")


def open_on(on: dt.date) -> Q:
    """Commitments that count on `on`: recorded on or before it, and not settled or withdrawn by then."""
    return (
        Q(recorded_on__lte=on)
        & (Q(settled_on__isnull=True) | Q(settled_on__gt=on))
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    )


def commitments_open_on(account: DirectPaymentAccount, on: dt.date) -> QuerySet[Commitment]:
    return Commitment.objects.filter(open_on(on), account=account).order_by("due_on", "id")


def commitments_for_surplus(account: DirectPaymentAccount, on: dt.date) -> tuple[SurplusCommitment, ...]:
    """The account's commitments on `on`, as the surplus rule takes them."""
    return tuple(SurplusCommitment(c.label, c.amount_pence) for c in commitments_open_on(account, on))


def pay_checks(records: list[PayRecord]) -> dict[int, PayCheck]:
    """Each record (not withdrawn) against the minimum wage on its day, as the monitoring check judges it; a
    record whose rates have not been entered is left out."""
    from dp.assessments.domain.national_figures import minimum_wage_for
    from dp.assessments.selectors import minimum_wage_on, shipped_tables

    found: dict[int, PayCheck] = {}
    # By the rates table in force (one read of the entered rates per year of rates, not per day worked).
    rates_from: dict[dt.date, Any] = {}
    for record in records:
        if record.is_withdrawn:
            continue
        try:
            table_from = minimum_wage_for(record.worked_on, shipped_tables()).effective_from
            if table_from not in rates_from:
                rates_from[table_from] = minimum_wage_on(record.worked_on)
            found[record.pk] = check_pay(
                hours=record.hours_worked,
                gross_pay_pence=record.gross_pay_pence,
                age=age_on(record.pa_date_of_birth, record.worked_on),
                apprentice_first_year=record.apprentice_first_year,
                rates=rates_from[table_from],
            )
        except PolicyMissing:
            continue
    return found
