"""Test data for the employment app: a person's card account with a Personal Assistant on their support plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dp.employment.constants import CommitmentKind, PaySource
from dp.employment.models import Commitment, PayRecord
from dp.plans.models import PlanPayee


def pa_on_plan(case: Any, name: str = "Jo Bloggs") -> PlanPayee:
    """A Personal Assistant named on a (draft) support plan of the case."""
    from dp.plans.tests.factories import DraftSupportPlanFactory

    plan = case.support_plans.first() or DraftSupportPlanFactory(case=case)
    return PlanPayee.objects.create(plan=plan, name=name, relationship="not_related", lives_in_same_household=False)


def pay_record(account: Any, payee: PlanPayee, *, days_ago: int = 30, **kwargs: Any) -> PayRecord:
    """A four-week pay record ending `days_ago` days before today (40 hours, £480 unless given)."""
    end = timezone.localdate() - dt.timedelta(days=days_ago)
    values: dict[str, Any] = {
        "account": account,
        "payee": payee,
        "period_start_on": end - dt.timedelta(days=28),
        "period_end_on": end,
        "worked_on": end - dt.timedelta(days=1),
        "hours_worked": Decimal("40.00"),
        "gross_pay_pence": 48000,
        "pa_date_of_birth": dt.date(1990, 5, 1),
        "source": PaySource.TIMESHEET,
        "recorded_at": timezone.now(),
    }
    values.update(kwargs)
    return PayRecord.objects.create(**values)


def commitment(account: Any, *, amount_pence: int = 50000, recorded_days_ago: int = 10, **kwargs: Any) -> Commitment:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "account": account,
        "kind": CommitmentKind.UNPAID_WAGES,
        "amount_pence": amount_pence,
        "owed_to": "Jo Bloggs",
        "due_on": today + dt.timedelta(days=7),
        "recorded_on": today - dt.timedelta(days=recorded_days_ago),
        "recorded_at": timezone.now(),
    }
    values.update(kwargs)
    return Commitment.objects.create(**values)
