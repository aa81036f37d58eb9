"""Importing a payroll bureau file: all or nothing, errors naming file, line and column, and idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.audit_log.models import Event
from dp.employment import services
from dp.employment.constants import EmploymentEventType, PaySource
from dp.employment.domain.payroll_file import PayrollFileError
from dp.employment.models import PayRecord
from dp.employment.tests.factories import pa_on_plan

pytestmark = pytest.mark.django_db

HEADER = "account,payee,period_start,period_end,hours,gross_pay,date_of_birth"


def file_for(employer, *extra: str) -> list[str]:  # type: ignore[no-untyped-def]
    a, p = employer.account.pk, employer.payee.pk
    return [
        HEADER,
        f"{a},{p},2025-03-01,2025-03-31,80,960.00,1990-01-01",
        f"{a},{p},2025-04-01,2025-04-30,70.25,843.00,1990-01-01",
        *extra,
    ]


def run(officer, rows, name="bureau-march.csv"):  # type: ignore[no-untyped-def]
    return services.payroll_file_import(actor=officer, file_name=name, rows=rows)


class TestImport:
    def test_a_period_not_yet_begun_is_refused(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        """Hours cannot have been worked in a pay period that starts after today."""
        from dp.core import clock

        start = clock.today() + dt.timedelta(days=1)
        end = start + dt.timedelta(days=27)
        rows = [HEADER, f"{employer.account.pk},{employer.payee.pk},{start},{end},80,960.00,1990-01-01"]
        with pytest.raises(PayrollFileError) as caught:
            run(officer, rows)
        assert (caught.value.line, caught.value.column) == (2, "period_start")
        assert not PayRecord.objects.exists()

    def test_every_line_recorded_with_the_file_and_line(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        result = run(officer, file_for(employer))
        assert (result.lines, result.added, result.already_recorded) == (2, 2, 0)
        first = PayRecord.objects.get(period_start_on=dt.date(2025, 3, 1))
        assert (first.hours_worked, first.gross_pay_pence, first.source) == (
            Decimal("80.00"),
            96000,
            PaySource.PAYROLL_BUREAU,
        )
        assert first.source_reference == "bureau-march.csv line 2"
        event = Event.objects.get(event_type=EmploymentEventType.PAYROLL_IMPORTED)
        assert event.subject_id == employer.account.pk
        assert len(event.data["pay_records"]) == 2

    def test_importing_again_adds_nothing(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        run(officer, file_for(employer))
        before = list(PayRecord.objects.order_by("pk").values())
        result = run(officer, file_for(employer))
        assert (result.added, result.already_recorded) == (0, 2)
        assert list(PayRecord.objects.order_by("pk").values()) == before
        assert Event.objects.filter(event_type=EmploymentEventType.PAYROLL_IMPORTED).count() == 1

    def test_an_overlapping_file_adds_only_its_new_lines(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        run(officer, file_for(employer))
        a, p = employer.account.pk, employer.payee.pk
        result = run(officer, [*file_for(employer), f"{a},{p},2025-05-01,2025-05-31,60,720,1990-01-01"])
        assert (result.added, result.already_recorded) == (1, 2)
        assert PayRecord.objects.count() == 3


class TestRefusedWhole:
    @pytest.mark.parametrize(
        ("bad_line", "column"),
        [
            ("999999,{p},2025-05-01,2025-05-31,60,720,1990-01-01", "account"),
            ("{a},999999,2025-05-01,2025-05-31,60,720,1990-01-01", "payee"),
            ("{a},{p},2025-05-01,2025-05-31,60,720.001,1990-01-01", "gross_pay"),
            ("{a},{p},2025-05-01,2025-05-31,60,720,2012-01-01", "date_of_birth"),
        ],
    )
    def test_a_bad_line_writes_nothing_and_is_named(self, employer, officer, bad_line, column) -> None:  # type: ignore[no-untyped-def]
        line = bad_line.format(a=employer.account.pk, p=employer.payee.pk)
        with pytest.raises(PayrollFileError) as caught:
            run(officer, file_for(employer, line), name="may.csv")
        assert (caught.value.file_name, caught.value.line, caught.value.column) == ("may.csv", 4, column)
        assert caught.value.message.startswith(f"may.csv, line 4, column {column}:")
        assert not PayRecord.objects.exists()
        assert not Event.objects.filter(event_type=EmploymentEventType.PAYROLL_IMPORTED).exists()

    def test_a_pa_of_another_persons_plan(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        from dp.cases.tests.factories import ActiveCaseFactory

        stranger = pa_on_plan(ActiveCaseFactory(worker=employer.case.worker), "Sam Stranger")
        line = f"{employer.account.pk},{stranger.pk},2025-05-01,2025-05-31,60,720,1990-01-01"
        with pytest.raises(PayrollFileError) as caught:
            run(officer, file_for(employer, line))
        assert (caught.value.line, caught.value.column) == (4, "payee")
        assert not PayRecord.objects.exists()

    def test_a_period_already_recorded_with_other_figures(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        run(officer, file_for(employer))
        changed = file_for(employer)
        changed[2] = changed[2].replace("843.00", "900.00")
        with pytest.raises(PayrollFileError) as caught:
            run(officer, [*changed, f"{employer.account.pk},{employer.payee.pk},2025-05-01,2025-05-31,1,1,1990-01-01"])
        assert (caught.value.line, caught.value.column) == (3, "gross_pay")
        assert PayRecord.objects.count() == 2
        assert not PayRecord.objects.filter(period_start_on=dt.date(2025, 5, 1)).exists()

    def test_only_the_given_account(self, employer, officer) -> None:  # type: ignore[no-untyped-def]
        from dp.payments.tests.factories import PrepaidCardAccountFactory

        other = PrepaidCardAccountFactory(person=employer.account.person)
        with pytest.raises(PayrollFileError) as caught:
            services.payroll_file_import(actor=officer, file_name="x.csv", rows=file_for(employer), account=other)
        assert (caught.value.line, caught.value.column) == (2, "account")
