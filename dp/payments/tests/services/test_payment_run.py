"""Payment runs through the services: what is due and held back, approval by a second person, cancelling,
exactly-once (the UNIQUE constraint), sending (journals and files that add up to the ledger) and settling."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from dp.audit_log.models import Event
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.ledger.models import Journal
from dp.ledger.selectors import account_balance_pence, trial_balance, unbalanced_journals
from dp.payments import services
from dp.payments.constants import CardStatus, PaymentFileKind, PaymentRunStatus
from dp.payments.domain.bacs import parse_bacs_file
from dp.payments.domain.card_load import parse_card_load_file
from dp.payments.domain.schedule import calculate_period, period
from dp.payments.models import BankDetailsChange, Payment, PaymentFile, PaymentRun, PaymentRunException
from dp.payments.selectors import run_ledger_totals, schedule_terms
from dp.payments.tests.factories import (
    BankAccountFactory,
    ManagedAccountFactory,
    SignedScheduleFactory,
    SuspendedCardAccountFactory,
    UnsignedScheduleFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 3, 18)  # a Wednesday
START = D(2026, 3, 23)  # a Monday on the test cycle (every 4 weeks from 1 January 2024)
SECOND = D(2026, 4, 20)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(payment_policy, originator, officers, staff):  # type: ignore[no-untyped-def]
    return officers


def schedule(staff, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("start_on", START)
    return SignedScheduleFactory(worker=staff["social_worker"], **kwargs)


def make_run(creator, pay_on=START) -> PaymentRun:  # type: ignore[no-untyped-def]
    return services.payment_run_create(actor=creator, pay_on=pay_on, request_key=uuid.uuid4().hex)


def send(creator, approver, pay_on=START, chunk_size=2) -> PaymentRun:  # type: ignore[no-untyped-def]
    run = make_run(creator, pay_on)
    services.payment_run_approve(actor=approver, run=run)
    return services.payment_run_execute(run_id=run.pk, chunk_size=chunk_size)


class TestWhatIsDue:
    def test_a_regular_period_in_sql(self, setup, staff):
        net = schedule(staff, amounts=(30000, 5000))
        gross = schedule(staff, amounts=(30000, 5000), basis="gross")
        gross.account = BankAccountFactory(person=gross.person)
        gross.save()
        run = make_run(setup[0])
        by_schedule = {p.schedule_id: p for p in run.payments.all()}
        assert by_schedule[net.pk].amount_pence == (30000 - 5000) * 4
        assert by_schedule[net.pk].contribution_due_pence == 5000 * 4
        assert by_schedule[net.pk].channel == "card_provider"
        assert by_schedule[gross.pk].amount_pence == 30000 * 4
        assert by_schedule[gross.pk].channel == "bank"
        assert (by_schedule[net.pk].period_start_on, by_schedule[net.pk].period_end_on) == (START, D(2026, 4, 19))
        assert run.payment_count == 2
        assert run.total_pence == 100000 + 120000
        assert (run.bank_total_pence, run.card_total_pence) == (120000, 100000)

    def test_the_sql_engine_agrees_with_the_pure_schedule(self, setup, staff):
        """Every amount the set-based engine writes is what `domain.schedule.period` gives."""
        schedules = [
            schedule(staff, amounts=(budget, contribution), basis=basis)
            for budget, contribution, basis in [
                (12345, 0, "net"),
                (20001, 20002, "net"),
                (0, 0, "net"),
                (99999, 123, "gross"),
                (5000, 7000, "gross"),
            ]
        ]
        run = make_run(setup[0])
        for s in schedules:
            payment = run.payments.get(schedule=s)
            expected = period(schedule_terms(s), 1)
            assert payment.amount_pence == expected.council_payment_pence
            assert payment.contribution_due_pence == expected.contribution_due_pence
            assert payment.budget_pence == expected.budget_pence

    def test_catch_up_pays_every_period_not_yet_paid(self, setup, staff):
        s = schedule(staff, start_on=D(2026, 1, 26))
        run = make_run(setup[0], pay_on=D(2026, 3, 23))
        assert sorted(run.payments.filter(schedule=s).values_list("period_start_on", flat=True)) == [
            D(2026, 1, 26),
            D(2026, 2, 23),
            D(2026, 3, 23),
        ]

    def test_a_weekend_or_holiday_period_is_paid_the_working_day_before(self, setup, staff, frozen):
        frozen.move_to(dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC))
        s = schedule(staff, start_on=D(2026, 12, 28))  # the Boxing Day substitute bank holiday
        friday_before = make_run(setup[0], pay_on=D(2026, 12, 23))
        assert not friday_before.payments.filter(schedule=s).exists()
        services.payment_run_cancel(actor=setup[0], run=friday_before, reason="too early")
        christmas_eve = make_run(
            setup[0], pay_on=D(2026, 12, 24)
        )  # 25 Dec, the weekend and 28 Dec are not working days
        assert christmas_eve.payments.get(schedule=s).period_start_on == D(2026, 12, 28)

    def test_nothing_to_pay_is_recorded_and_sends_nothing(self, setup, staff):
        s = schedule(staff, amounts=(20000, 25000))
        run = make_run(setup[0])
        payment = run.payments.get(schedule=s)
        assert payment.amount_pence == 0
        assert payment.contribution_due_pence == 20000 * 4  # capped at the budget
        assert run.zero_count == 1

    def test_suspended_schedules_are_not_paid(self, setup, staff):
        s = schedule(staff)
        services.schedule_suspend(actor=staff["dp_support"], schedule=s, reason="Investigation")
        assert not make_run(setup[0]).payments.exists()


class TestHeldBack:
    def test_each_reason(self, setup, staff, frozen):
        unsigned = UnsignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        no_account = schedule(staff, account=None)
        closed = schedule(staff)
        services.account_close(actor=staff["dp_support"], account=closed.account, reason="Closed")
        card = schedule(staff)
        card.account = SuspendedCardAccountFactory(person=card.person)
        card.save()
        bank = schedule(staff)
        bank.account = BankAccountFactory(person=bank.person)
        bank.save()
        services.bank_details_change_request(
            actor=staff["dp_support"],
            account=bank.account,
            account_name="X",
            sort_code="200000",
            account_number="12345678",
            reason="Asked",
        )
        good = schedule(staff)
        run = make_run(setup[0])
        reasons = dict(run.exceptions.values_list("schedule_id", "reason"))
        assert reasons == {
            unsigned.pk: "agreement_not_signed",
            no_account.pk: "no_open_account",
            closed.pk: "no_open_account",
            card.pk: "card_not_active",
            bank.pk: "bank_details_unconfirmed",
        }
        assert list(run.payments.values_list("schedule_id", flat=True)) == [good.pk]
        assert run.exception_count == 5
        assert run.exception_total_pence == 5 * 25000 * 4

    def test_held_back_periods_are_paid_once_the_reason_is_dealt_with(self, setup, staff):
        s = UnsignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        first = send(*setup)
        assert first.exceptions.get().schedule_id == s.pk
        services.schedule_agreement_signed(actor=staff["dp_support"], schedule=s, signed_on=TODAY)
        second = make_run(setup[0], pay_on=SECOND)
        assert sorted(second.payments.filter(schedule=s).values_list("period_start_on", flat=True)) == [START, SECOND]

    def test_an_unconfirmed_bank_change_lapses_after_the_hold_period(self, setup, staff, frozen):
        s = schedule(staff)
        s.account = BankAccountFactory(person=s.person)
        s.save()
        BankDetailsChange.objects.create(
            account=s.account,
            account_name="X",
            sort_code="200000",
            account_number="12345678",
            reason="old",
            requested_by=staff["dp_support"],
            requested_at=timezone.now() - dt.timedelta(days=15),
        )
        assert make_run(setup[0]).payments.filter(schedule=s).exists()


class TestRules:
    def test_the_date_must_be_a_working_day_and_not_past(self, setup):
        with pytest.raises(ValidationFailed, match="working day"):
            make_run(setup[0], pay_on=D(2026, 3, 21))
        with pytest.raises(ValidationFailed, match="working day"):
            make_run(setup[0], pay_on=D(2026, 4, 6))  # Easter Monday
        with pytest.raises(ValidationFailed, match="today or later"):
            make_run(setup[0], pay_on=D(2026, 3, 17))

    def test_a_resubmitted_form_gets_the_same_run(self, setup):
        key = uuid.uuid4().hex
        first = services.payment_run_create(actor=setup[0], pay_on=START, request_key=key)
        again = services.payment_run_create(actor=setup[0], pay_on=START, request_key=key)
        assert first.pk == again.pk
        assert PaymentRun.objects.count() == 1

    def test_one_live_run_at_a_time(self, setup):
        make_run(setup[0])
        with pytest.raises(ValidationFailed, match="Finish or cancel it"):
            make_run(setup[1], pay_on=SECOND)

    def test_the_database_refuses_two_live_runs_for_one_date(self, setup):
        run = make_run(setup[0])
        with pytest.raises(IntegrityError, match="one_live_payment_run_per_date"), transaction.atomic():
            PaymentRun.objects.create(pay_on=run.pay_on, request_key="other", created_by=setup[1])

    def test_a_completed_run_does_not_block_another_for_its_date(self, setup):
        send(*setup)
        assert make_run(setup[1]).payment_count == 0


class TestApproval:
    def test_a_second_officer_approves(self, setup, staff):
        schedule(staff)
        run = make_run(setup[0])
        run = services.payment_run_approve(actor=setup[1], run=run)
        assert run.status == PaymentRunStatus.APPROVED
        assert run.approved_by == setup[1]
        assert Event.objects.filter(event_type="payments.run_approved").count() == 1

    def test_nobody_approves_their_own_run(self, setup):
        run = make_run(setup[0])
        with pytest.raises(PermissionDenied):
            services.payment_run_approve(actor=setup[0], run=run)
        with pytest.raises(IntegrityError, match="not_approved_by_creator"), transaction.atomic():
            PaymentRun.objects.filter(pk=run.pk).update(approved_by=setup[0])

    def test_every_refused_move(self, setup):
        run = send(*setup)
        with pytest.raises(TransitionNotAllowed):
            services.payment_run_approve(actor=setup[1], run=run)
        with pytest.raises(TransitionNotAllowed):
            services.payment_run_cancel(actor=setup[0], run=run, reason="x")
        with pytest.raises(TransitionNotAllowed):
            services.payment_run_start(actor=setup[0], run=run)


class TestCancel:
    def test_cancelled_payments_fall_due_again(self, setup, staff):
        s = schedule(staff)
        run = make_run(setup[0])
        services.payment_run_approve(actor=setup[1], run=run)
        services.payment_run_cancel(actor=setup[1], run=run, reason="Wrong date")
        assert not Payment.objects.filter(cancelled=False).exists()
        again = make_run(setup[0])
        assert again.payments.get().schedule_id == s.pk


class TestExactlyOnce:
    """At most one payment per schedule and period, enforced by the database whatever the code does."""

    def test_a_second_payment_for_a_period_is_refused(self, setup, staff):
        schedule(staff)
        payment = make_run(setup[0]).payments.get()
        copy = Payment.objects.get(pk=payment.pk)
        copy.pk = None
        with pytest.raises(IntegrityError, match="one_payment_per_schedule_and_period"), transaction.atomic():
            copy.save()

    def test_a_cancelled_payment_does_not_count(self, setup, staff):
        schedule(staff)
        payment = make_run(setup[0]).payments.get()
        Payment.objects.filter(pk=payment.pk).update(cancelled=True)
        copy = Payment.objects.get(pk=payment.pk)
        copy.pk, copy.cancelled = None, False
        copy.save()

    def test_a_one_off_is_paid_once(self, setup, staff):
        s = schedule(staff)
        item = services.one_off_payment_add(
            actor=staff["dp_support"], schedule=s, pay_on=START, amount_pence=15000, description="Hoist"
        )
        send(*setup)
        payment = Payment.objects.get(scheduled_payment=item)
        assert payment.amount_pence == 15000
        assert not make_run(setup[0], pay_on=SECOND).payments.filter(scheduled_payment=item).exists()
        copy = Payment.objects.get(pk=payment.pk)
        copy.pk = None
        with pytest.raises(IntegrityError, match="one_payment_per_scheduled_payment"), transaction.atomic():
            copy.save()


class TestSending:
    def test_files_journals_and_ledger_agree(self, setup, staff):
        card = schedule(staff, amounts=(30000, 5000))
        bank = schedule(staff, amounts=(40000, 0))
        bank.account = BankAccountFactory(person=bank.person, sort_code="309634", account_number="00733445")
        bank.save()
        managed = schedule(staff, amounts=(20000, 1000))
        managed.account = ManagedAccountFactory(person=managed.person)
        managed.save()
        zero = schedule(staff, amounts=(1000, 2000))
        run = send(*setup, chunk_size=1)
        assert run.status == PaymentRunStatus.COMPLETED

        files = {f.kind: f for f in PaymentFile.objects.filter(run=run)}
        bacs = parse_bacs_file(files[PaymentFileKind.BACS].content)
        assert sorted(c.amount_pence for c in bacs.submission.credits) == [76000, 160000]
        assert {c.account_number for c in bacs.submission.credits} == {
            "00733445",
            managed.account.money_manager.account_number,
        }
        loads = parse_card_load_file(files[PaymentFileKind.CARD_LOAD].content)
        assert [load.amount_pence for load in loads.loads] == [100000]
        assert loads.loads[0].card_account_reference == card.account.card_account_reference
        assert loads.loads[0].payment_reference == Payment.objects.get(schedule=card).reference
        ledger = run_ledger_totals(run)
        assert ledger == {"transit:bank": bacs.credit_total_pence, "transit:card_provider": loads.total_pence}
        assert run.total_pence == bacs.credit_total_pence + loads.total_pence
        assert not Payment.objects.filter(schedule=zero, amount_pence__gt=0).exists()

        remittances = files[PaymentFileKind.REMITTANCE].content
        assert remittances.count("REMITTANCE ADVICE") == 3
        assert f"To: {managed.account.money_manager.name}" in remittances
        assert f"{managed.person.full_name} ({managed.account.client_reference})" in remittances

        journals = Journal.objects.filter(source=f"payment-run:{run.pk}")
        assert journals.count() == 3  # one per chunk with money in it (the £0 chunk has none)
        assert unbalanced_journals() == []
        assert Event.objects.filter(event_type="payments.run_completed").count() == 1

    def test_sending_again_changes_nothing(self, setup, staff):
        schedule(staff)
        run = send(*setup)
        journals, files = Journal.objects.count(), PaymentFile.objects.count()
        again = services.payment_run_execute(run_id=run.pk)
        assert again.status == PaymentRunStatus.COMPLETED
        assert (Journal.objects.count(), PaymentFile.objects.count()) == (journals, files)

    def test_a_calculated_run_cannot_be_sent(self, setup, staff):
        run = make_run(setup[0])
        with pytest.raises(ValidationFailed, match="cannot be sent"):
            services.payment_run_execute(run_id=run.pk)

    def test_bank_payments_need_the_councils_bacs_details(self, payment_policy, officers, staff):
        s = schedule(staff)
        s.account = BankAccountFactory(person=s.person)
        s.save()
        run = make_run(officers[0])
        services.payment_run_approve(actor=officers[1], run=run)
        with pytest.raises(ValidationFailed, match="Bacs details"):
            services.payment_run_start(actor=officers[1], run=run)

    def test_started_from_the_page_it_runs_in_the_background(self, setup, staff, django_capture_on_commit_callbacks):
        schedule(staff)
        run = make_run(setup[0])
        services.payment_run_approve(actor=setup[1], run=run)
        with django_capture_on_commit_callbacks(execute=True):
            services.payment_run_start(actor=setup[1], run=run)
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.COMPLETED


class TestSettling:
    def test_each_payment_lands_in_the_persons_account_with_its_contribution_due(self, setup, staff, frozen):
        card = schedule(staff, amounts=(30000, 5000))
        bank = schedule(staff, amounts=(30000, 40000))
        bank.account = BankAccountFactory(person=bank.person)
        bank.save()
        run = send(*setup)
        with pytest.raises(ValidationFailed, match="not yet"):
            services.payment_run_settle(run_id=run.pk)
        frozen.move_to(dt.datetime(2026, 3, 23, 7, tzinfo=dt.UTC))
        services.payment_run_settle(run_id=run.pk, chunk_size=1)
        services.payment_run_settle(run_id=run.pk)  # again: nothing more
        assert Journal.objects.filter(idempotency_key__startswith="payment:").count() == 2
        assert account_balance_pence(f"person:{card.person_id}:dp_account") == 100000
        assert account_balance_pence(f"person:{card.person_id}:contributions_due") == 20000
        assert account_balance_pence(f"person:{bank.person_id}:dp_account") == 0
        assert account_balance_pence(f"person:{bank.person_id}:contributions_due") == 120000
        assert account_balance_pence("transit:card_provider") == 0
        assert unbalanced_journals() == []
        debits, credits = trial_balance()
        assert debits == credits
        run.refresh_from_db()
        assert run.settled_at is not None
        call_command("ledger_check")

    def test_the_daily_job_settles_runs_whose_money_has_arrived(self, setup, staff, frozen):
        schedule(staff)
        send(*setup)
        assert services.payment_runs_settle_due(on=D(2026, 3, 20)) == []
        assert len(services.payment_runs_settle_due(on=START)) == 1
        assert len(services.payment_runs_settle_due(on=START)) == 0


class TestProRating:
    def test_a_change_inside_an_unpaid_period_is_worked_out_by_days(self, setup, staff):
        s = schedule(staff, amounts=(30000, 5000))
        services.schedule_change_amounts(
            actor=staff["dp_support"],
            schedule=s,
            effective_on=D(2026, 4, 2),
            weekly_budget_pence=35000,
            weekly_contribution_pence=5000,
            reason="More support after a fall",
        )
        payment = make_run(setup[0]).payments.get()
        expected = calculate_period(schedule_terms(s), START, D(2026, 4, 19))
        assert payment.prorated
        assert payment.amount_pence == expected.council_payment_pence
        assert payment.amount_pence == 25000 * 4 + round(5000 * 18 / 7)


@pytest.mark.parametrize("status", [CardStatus.LOST, CardStatus.EXPIRED])
def test_a_card_that_is_not_active_holds_a_one_off_back(setup, staff, status):
    s = schedule(staff)
    services.one_off_payment_add(actor=staff["dp_support"], schedule=s, pay_on=START, amount_pence=100, description="x")
    services.account_card_status_change(actor=staff["dp_support"], account=s.account, card_status=status, reason="x")
    run = make_run(setup[0])
    assert set(PaymentRunException.objects.filter(run=run).values_list("reason", flat=True)) == {"card_not_active"}
    assert run.exception_count == 2


def test_the_bacs_file_built_in_a_child_process_is_the_same(setup, staff, monkeypatch):
    """Large runs build the Bacs file in a forked process; the file is byte for byte what this process writes."""
    from dp.payments import engine

    for _ in range(3):
        s = schedule(staff)
        s.account = BankAccountFactory(person=s.person)
        s.save()
    managed = schedule(staff)
    managed.account = ManagedAccountFactory(person=managed.person)
    managed.save()
    run = make_run(setup[0])
    services.payment_run_approve(actor=setup[1], run=run)
    inline = {f.kind: f.content for f in engine.write_files(run, today=TODAY)}
    monkeypatch.setattr(engine, "PARALLEL_BACS_FROM", 1)
    forked = {f.kind: f.content for f in engine.write_files(run, today=TODAY)}
    assert forked == inline
    assert parse_bacs_file(forked[PaymentFileKind.BACS]).credit_count == 4


def test_the_remittances_written_in_a_child_process_are_the_same(setup, staff, monkeypatch):
    """Large runs write the remittance advices in a forked process: the same file, count and total."""
    from dp.payments import engine

    for _ in range(2):
        s = schedule(staff)
        s.account = BankAccountFactory(person=s.person)
        s.save()
    managed = schedule(staff)
    managed.account = ManagedAccountFactory(person=managed.person)
    managed.save()
    schedule(staff)  # a prepaid card
    run = make_run(setup[0])
    services.payment_run_approve(actor=setup[1], run=run)

    def remittance(files):
        (file,) = [f for f in files if f.kind == PaymentFileKind.REMITTANCE]
        return file.content, file.record_count, file.total_pence, [f.kind for f in files]

    inline = remittance(engine.write_files(run, today=TODAY))
    monkeypatch.setattr(engine, "PARALLEL_REMITTANCES_FROM", 1)
    forked = remittance(engine.write_files(run, today=TODAY))
    assert forked == inline
    assert inline[1] == 4
    assert inline[3] == [PaymentFileKind.BACS, PaymentFileKind.CARD_LOAD, PaymentFileKind.REMITTANCE]


def test_a_refusal_in_the_child_process_is_raised_here(setup, staff, monkeypatch):
    from dp.payments import engine
    from dp.payments.domain.bacs import BacsFileError

    s = schedule(staff)
    s.account = BankAccountFactory(person=s.person, account_name="'''")  # nothing left after sanitising
    s.save()
    run = make_run(setup[0])
    monkeypatch.setattr(engine, "PARALLEL_BACS_FROM", 1)
    with pytest.raises(BacsFileError, match="Enter a name"):
        engine.write_files(run, today=TODAY)


def test_the_files_are_built_with_the_cyclic_collector_paused_and_it_is_restored(setup, staff, monkeypatch):
    """The collector is off while the rows are formatted, and back on afterwards, even after a refusal."""
    import gc

    from dp.payments import engine

    s = schedule(staff)
    s.account = BankAccountFactory(person=s.person)
    s.save()
    run = make_run(setup[0])
    seen: list[bool] = []
    real_rows = engine._payment_rows

    def rows(run):
        seen.append(gc.isenabled())
        return real_rows(run)

    monkeypatch.setattr(engine, "_payment_rows", rows)
    assert gc.isenabled()
    engine.write_files(run, today=TODAY)
    assert seen == [False]
    assert gc.isenabled()

    def refuse(run):
        raise ValidationFailed("refused")

    monkeypatch.setattr(engine, "_payment_rows", refuse)
    with pytest.raises(ValidationFailed):
        engine.write_files(run, today=TODAY)
    assert gc.isenabled()
