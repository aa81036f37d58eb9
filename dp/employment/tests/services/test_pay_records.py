"""Recording, correcting and withdrawing PAs' pay: validation, one record per PA and period, audit events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.audit_log.models import Event
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.employment import services
from dp.employment.constants import EmploymentEventType, PaySource
from dp.employment.models import PayRecord
from dp.employment.tests.factories import pa_on_plan

pytestmark = pytest.mark.django_db

MARCH = {"period_start_on": dt.date(2025, 3, 1), "period_end_on": dt.date(2025, 4, 1)}


def record(employer, officer, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "actor": officer,
        "account": employer.account,
        "payee": employer.payee,
        **MARCH,
        "hours_worked": Decimal("80"),
        "gross_pay_pence": 96000,
        "pa_date_of_birth": dt.date(1990, 1, 1),
        "source": PaySource.PAYSLIP,
    }
    values.update(kwargs)
    return services.pay_record_record(**values)


class TestRecord:
    def test_a_period_not_yet_begun_is_refused(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        """Hours cannot have been worked in a pay period that starts after today."""
        from dp.core import clock

        start = clock.today() + dt.timedelta(days=1)
        with pytest.raises(ValidationFailed) as caught:
            record(employer, officer, period_start_on=start, period_end_on=start + dt.timedelta(days=28))
        assert caught.value.field == "period_start_on"
        assert not PayRecord.objects.exists()

    def test_recorded_with_the_last_day_as_the_day_judged_and_an_audit_event(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        pay = record(employer, officer)
        assert pay.worked_on == dt.date(2025, 3, 31)
        assert pay.recorded_by == officer
        event = Event.objects.get(event_type=EmploymentEventType.PAY_RECORDED)
        assert (event.subject_id, event.person_id) == (pay.pk, employer.account.person_id)
        assert event.data["after"]["gross_pay_pence"] == 96000

    def test_the_same_pa_and_period_twice_is_refused(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        record(employer, officer)
        with pytest.raises(ValidationFailed, match="already recorded") as caught:
            record(employer, officer, gross_pay_pence=1)
        assert caught.value.field == "period_start_on"
        assert PayRecord.objects.count() == 1

    def test_a_payee_of_someone_elses_plan_is_refused(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        from dp.cases.tests.factories import ActiveCaseFactory

        stranger = pa_on_plan(ActiveCaseFactory(worker=employer.case.worker), "Sam Stranger")
        with pytest.raises(ValidationFailed) as caught:
            record(employer, officer, payee=stranger)
        assert caught.value.field == "payee"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"period_end_on": dt.date(2025, 3, 1)}, "period_last_on"),
            ({"worked_on": dt.date(2025, 4, 1)}, "worked_on"),
            ({"hours_worked": Decimal(0)}, "hours_worked"),
            ({"hours_worked": Decimal("1.005")}, "hours_worked"),
            ({"gross_pay_pence": -1}, "gross_pay_pence"),
            ({"pa_date_of_birth": dt.date(2010, 1, 1)}, "pa_date_of_birth"),
            ({"source": "rumour"}, "source"),
        ],
    )
    def test_bad_figures_are_refused_and_nothing_written(self, employer, officer, changes, field) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            record(employer, officer, **changes)
        assert caught.value.field == field
        assert not PayRecord.objects.exists()
        assert not Event.objects.filter(event_type=EmploymentEventType.PAY_RECORDED).exists()


class TestCorrectAndWithdraw:
    def test_a_correction_keeps_the_old_and_new_figures(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        pay = record(employer, officer)
        services.pay_record_correct(
            actor=officer,
            record=pay,
            worked_on=dt.date(2025, 3, 20),
            hours_worked=Decimal("75.5"),
            gross_pay_pence=90600,
            pa_date_of_birth=dt.date(1990, 1, 1),
            apprentice_first_year=False,
            reason="Payslip misread",
        )
        pay.refresh_from_db()
        assert (pay.hours_worked, pay.gross_pay_pence, pay.worked_on) == (Decimal("75.50"), 90600, dt.date(2025, 3, 20))
        event = Event.objects.get(event_type=EmploymentEventType.PAY_CORRECTED)
        assert event.data["before"]["gross_pay_pence"] == 96000
        assert event.data["after"]["gross_pay_pence"] == 90600
        assert event.data["reason"] == "Payslip misread"

    def test_a_withdrawn_record_frees_its_period_and_cannot_be_changed(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        pay = record(employer, officer)
        services.pay_record_withdraw(actor=officer, record=pay, reason="Entered against the wrong PA")
        pay.refresh_from_db()
        assert pay.is_withdrawn
        assert pay.withdrawn_by == officer
        assert Event.objects.filter(event_type=EmploymentEventType.PAY_WITHDRAWN, subject_id=pay.pk).exists()
        with pytest.raises(TransitionNotAllowed):
            services.pay_record_withdraw(actor=officer, record=pay, reason="Again")
        with pytest.raises(TransitionNotAllowed):
            services.pay_record_correct(
                actor=officer,
                record=pay,
                worked_on=pay.worked_on,
                hours_worked=pay.hours_worked,
                gross_pay_pence=1,
                pa_date_of_birth=pay.pa_date_of_birth,
                apprentice_first_year=False,
                reason="x",
            )
        again = record(employer, officer)
        assert again.pk != pay.pk

    def test_a_reason_is_needed(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        pay = record(employer, officer)
        with pytest.raises(ValidationFailed):
            services.pay_record_withdraw(actor=officer, record=pay, reason=" ")
        pay.refresh_from_db()
        assert not pay.is_withdrawn
