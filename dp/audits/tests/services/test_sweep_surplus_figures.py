"""A surplus finding's evidence is every figure its amount depends on: money owed recorded after it was raised (or a
change to the weeks allowed) raises a fresh finding with the new amount, and the out-of-date open one is superseded;
when the figures come back, the superseded finding is opened again; a finding in an audit is left to the audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dp.audits import services
from dp.audits.constants import FindingStatus
from dp.audits.models import Finding
from dp.councils.models import PolicyValue
from dp.employment import services as employment_services
from dp.employment.tests.factories import commitment

pytestmark = pytest.mark.django_db

SURPLUS = "DP-SURPLUS"


def sweep(auditor):  # type: ignore[no-untyped-def]
    return services.monitoring_sweep(actor=auditor, as_of=timezone.localdate())


def surplus_findings() -> list[tuple[int | None, str]]:
    return list(Finding.objects.filter(code=SURPLUS).order_by("id").values_list("amount_pence", "status"))


class TestMoneyOwedRecordedLater:
    def test_a_fresh_finding_and_the_old_one_superseded(self, busy_account, thresholds, auditor) -> None:  # type: ignore[no-untyped-def]
        first = sweep(auditor)
        assert first.superseded == 0
        assert surplus_findings() == [(900000 - 8 * 25000, FindingStatus.OPEN)]
        (old,) = Finding.objects.filter(code=SURPLUS)
        assert [item["ref"] for item in old.evidence] == [
            f"balance:{(timezone.localdate() - dt.timedelta(days=5)).isoformat()}:900000",
            "owed:0",
            "allowed:8:25000",
        ]

        commitment(busy_account, amount_pence=150000, recorded_days_ago=0)
        again = sweep(auditor)
        assert again.superseded == 1
        assert surplus_findings() == [
            (900000 - 8 * 25000, FindingStatus.SUPERSEDED),
            (900000 - 150000 - 8 * 25000, FindingStatus.OPEN),
        ]
        new = Finding.objects.get(code=SURPLUS, status=FindingStatus.OPEN)
        assert "less £1,500.00 already owed" in new.explanation
        assert {"ref": "owed:150000", "note": "Already owed: £1,500.00"}.items() <= new.evidence[1].items()

        # Nothing changed: nothing raised, nothing superseded.
        assert (sweep(auditor).raised, Finding.objects.filter(code=SURPLUS).count()) == (0, 2)

    def test_withdrawn_money_owed_opens_the_first_again(self, busy_account, thresholds, auditor, staff) -> None:  # type: ignore[no-untyped-def]
        sweep(auditor)
        owed = commitment(busy_account, amount_pence=150000, recorded_days_ago=0)
        sweep(auditor)
        employment_services.commitment_withdraw(
            actor=staff["payments_officer"], commitment=owed, reason="Entered twice", withdrawn_on=timezone.localdate()
        )
        result = sweep(auditor)
        assert (result.raised, result.superseded) == (1, 1)
        assert surplus_findings() == [
            (900000 - 8 * 25000, FindingStatus.OPEN),
            (900000 - 150000 - 8 * 25000, FindingStatus.SUPERSEDED),
        ]

    def test_no_surplus_any_more_supersedes_the_open_finding(self, busy_account, thresholds, auditor) -> None:  # type: ignore[no-untyped-def]
        sweep(auditor)
        commitment(busy_account, amount_pence=800000, recorded_days_ago=0)
        assert sweep(auditor).superseded == 1
        assert surplus_findings() == [(900000 - 8 * 25000, FindingStatus.SUPERSEDED)]

    def test_a_finding_in_an_audit_or_dismissed_is_left_alone(self, busy_account, thresholds, auditor) -> None:  # type: ignore[no-untyped-def]
        sweep(auditor)
        old = Finding.objects.get(code=SURPLUS)
        services.finding_dismiss(actor=auditor, finding=old, reason="Saving for a wheelchair, agreed")
        commitment(busy_account, amount_pence=150000, recorded_days_ago=0)
        assert sweep(auditor).superseded == 0
        old.refresh_from_db()
        assert old.status == FindingStatus.DISMISSED
        assert Finding.objects.filter(code=SURPLUS, status=FindingStatus.OPEN).count() == 1


class TestWeeksAllowed:
    def test_fewer_weeks_allowed_raise_a_fresh_finding(self, busy_account, thresholds, auditor, council) -> None:  # type: ignore[no-untyped-def]
        sweep(auditor)
        key = "surplus_allowed_weeks"
        assert PolicyValue.objects.filter(key=key).exists()
        PolicyValue.objects.create(
            council=council,
            key=key,
            value=4,
            effective_from=timezone.localdate(),
            set_at=timezone.now(),
            reason="Test policy",
        )
        assert sweep(auditor).superseded == 1
        assert surplus_findings() == [
            (900000 - 8 * 25000, FindingStatus.SUPERSEDED),
            (900000 - 4 * 25000, FindingStatus.OPEN),
        ]
