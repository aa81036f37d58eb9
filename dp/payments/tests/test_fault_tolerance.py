"""A payment run survives being killed at any point, and two at once are refused.

- The worker sending a run (`manage.py payment_run_execute`, then `manage.py payments_settle`) is killed with
  SIGKILL at 20 random points and started again each time; in-process, a crash is injected at every step
  boundary in turn. Either way: no payment twice, none missing, the ledger balances and the files add up to
  exactly what the ledger says the run sent.
- Two officers making a run for the same date at the same moment: one run is made, the other is refused.
  Two workers sending the same run at the same moment: one sends, the other is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections

from dp.core.errors import ValidationFailed
from dp.ledger.models import Journal
from dp.ledger.selectors import trial_balance, unbalanced_journals
from dp.payments import engine, services
from dp.payments.constants import PaymentFileKind, PaymentRunStatus
from dp.payments.domain.bacs import parse_bacs_file
from dp.payments.domain.card_load import parse_card_load_file
from dp.payments.domain.run import due_period_numbers, horizon_on
from dp.payments.models import (
    Payment,
    PaymentFile,
    PaymentRun,
    PaymentSchedule,
    RecoveryDeduction,
    RecoveryDeductionTaken,
)
from dp.payments.selectors import bank_holidays, run_ledger_totals
from dp.payments.tests.factories import (
    BankAccountFactory,
    ManagedAccountFactory,
    SignedScheduleFactory,
    cycle_date_on_or_after,
    next_working_day_from_today,
)

ROOT = Path(__file__).resolve().parents[3]
KILLS = 20


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """These tests commit (other processes must see their data), so the database is emptied after each one,
    taking the role groups and bank holidays that data migrations made: put them back first."""
    from django.contrib.auth.models import Group

    from dp.staff.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)
    services.bank_holidays_load()


def build_schedules(staff, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` signed schedules (card, bank and managed accounts), each with a period or two due."""
    from django.utils import timezone

    start = cycle_date_on_or_after(timezone.localdate() - dt.timedelta(days=40))
    for i in range(count):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=start, amounts=(20000 + i * 37, i % 7 * 1000))
        if i % 3 == 1:
            s.account = BankAccountFactory(person=s.person)
            s.save()
        elif i % 3 == 2:
            s.account = ManagedAccountFactory(person=s.person)
            s.save()
        if i % 5 == 0:  # some are recovering money by paying less (the offsets are posted when settling)
            services.recovery_deduction_create(
                None, schedule=s, total_pence=15000, instalment_pence=6000, reason="Surplus", source=f"fault:{i}"
            )


def approved(officers) -> PaymentRun:  # type: ignore[no-untyped-def]
    run = services.payment_run_create(
        actor=officers[0], pay_on=next_working_day_from_today(), request_key=uuid.uuid4().hex
    )
    return services.payment_run_approve(actor=officers[1], run=run)


def assert_exactly_once_and_balanced(run: PaymentRun) -> None:
    run.refresh_from_db()
    assert run.status == PaymentRunStatus.COMPLETED
    assert run.settled_at is not None
    # No payment twice (the UNIQUE constraint), checked independently.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schedule_id, period_start_on FROM payments_payment WHERE NOT cancelled AND kind = 'regular' "
            "GROUP BY schedule_id, period_start_on HAVING count(*) > 1"
        )
        assert cursor.fetchall() == []
    # None missing: every period due by the run's horizon, worked out by the pure rule, is paid exactly once.
    horizon = horizon_on(run.pay_on, bank_holidays())
    expected = set()
    for s in PaymentSchedule.objects.all():
        for n in due_period_numbers(
            start_on=s.start_on,
            period_weeks=s.period_weeks,
            payable_from_on=s.payable_from_on,
            last_paid_start_on=None,
            horizon=horizon,
        ):
            expected.add((s.pk, s.start_on + dt.timedelta(weeks=s.period_weeks * (n - 1))))
    paid = set(Payment.objects.filter(cancelled=False).values_list("schedule_id", "period_start_on"))
    assert paid == expected
    # Each recovery deduction taken once per payment, never more than its total, its offset posted once.
    takings = RecoveryDeductionTaken.objects.filter(payment__cancelled=False)
    assert takings.exists()
    for deduction in RecoveryDeduction.objects.all():
        mine = takings.filter(deduction=deduction)
        assert sum(t.amount_pence for t in mine) <= deduction.total_pence
        assert len({t.payment.schedule_id for t in mine}) <= 1
    offsets = Journal.objects.filter(idempotency_key__startswith="recovery-deduction-taken:")
    assert sorted(int(key.split(":")[1]) for key in offsets.values_list("idempotency_key", flat=True)) == sorted(
        takings.values_list("pk", flat=True)
    )
    # One settling journal per payment, and the ledger balances.
    payments = set(Payment.objects.filter(run=run).values_list("pk", flat=True))
    settled = Journal.objects.filter(idempotency_key__startswith="payment:").values_list("idempotency_key", flat=True)
    assert sorted(int(key.split(":")[1]) for key in settled) == sorted(payments)
    assert unbalanced_journals() == []
    debits, credits = trial_balance()
    assert debits == credits
    # The files add up to exactly what the ledger says was sent, and list each payment with money once.
    files = {f.kind: f for f in PaymentFile.objects.filter(run=run)}
    bacs = parse_bacs_file(files[PaymentFileKind.BACS].content)
    cards = parse_card_load_file(files[PaymentFileKind.CARD_LOAD].content)
    ledger = run_ledger_totals(run)
    assert bacs.credit_total_pence == ledger["transit:bank"]
    assert cards.total_pence == ledger["transit:card_provider"]
    references = [c.reference for c in bacs.submission.credits] + [load.payment_reference for load in cards.loads]
    with_money = Payment.objects.filter(run=run, amount_pence__gt=0)
    assert sorted(references) == sorted(p.reference for p in with_money)
    assert bacs.credit_total_pence + cards.total_pence == run.total_pence


def _database_url() -> str:
    settings = connection.settings_dict
    base = os.environ.get("DATABASE_URL") or os.environ["DP_EMBEDDED_DATABASE_URL"]
    address, _, query = base.partition("?")
    return f"{address.rpartition('/')[0]}/{settings['NAME']}" + (f"?{query}" if query else "")


def _command(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


@pytest.mark.django_db(transaction=True)
def test_killed_at_twenty_random_points_and_resumed(payment_policy, originator, officers, staff):
    build_schedules(staff, 200)
    run = approved(officers)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONUNBUFFERED": "1",
    }
    rng = random.Random(20)
    phases = [
        _command("payment_run_execute", str(run.pk), "--chunk-size", "3"),
        _command("payments_settle", "--on", run.pay_on.isoformat()),
    ]
    kills = 0
    kills_by_phase = [0, 0]
    phase = 0
    while phase < len(phases) and kills < KILLS:
        # Kill after a random number of new steps (0 to 3), plus a random pause: anywhere in a step.
        after_lines = rng.randint(0, 3)
        pause = rng.uniform(0, 0.03)
        process = subprocess.Popen(phases[phase], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        seen = 0
        killed = False
        output = b""
        for line in iter(process.stdout.readline, b""):
            output += line
            if b"part" in line and b"already" not in line:  # a step of new work (resumed runs skip what is done)
                seen += 1
                if seen > after_lines:
                    time.sleep(pause)
                    process.send_signal(signal.SIGKILL)
                    killed = True
                    break
        process.wait(timeout=120)
        process.stdout.close()
        if killed and process.returncode == -signal.SIGKILL:
            kills += 1
            kills_by_phase[phase] += 1
        elif process.returncode == 0:
            phase += 1
        elif b"already being" in output:
            time.sleep(0.2)  # the killed worker's database session has not noticed yet; it lets go in a moment
        else:
            pytest.fail(f"{phases[phase]} failed with {process.returncode}: {output.decode()}")
    assert kills == KILLS, f"only {kills} kills landed before the run finished"
    for remaining in phases[phase:]:
        for _attempt in range(20):
            result = subprocess.run(remaining, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            if "already being" not in result.stdout + result.stderr:
                break
            time.sleep(0.2)
        assert result.returncode == 0, result.stdout + result.stderr
    assert_exactly_once_and_balanced(run)
    run.refresh_from_db()
    print(
        f"{KILLS} kills ({kills_by_phase[0]} while sending, {kills_by_phase[1]} while settling) of a run of "
        f"{run.payment_count} payments: none paid twice, none missing, ledger balanced, files equal to the ledger"
    )


class Crash(Exception):
    """Stands in for the worker dying at a step boundary."""


@pytest.mark.django_db(transaction=True)
def test_a_crash_at_every_step_boundary_is_resumed(payment_policy, originator, officers, staff, monkeypatch):
    build_schedules(staff, 24)
    run = approved(officers)
    monkeypatch.setattr("dp.payments.services.clock.today", lambda: run.pay_on)
    points = {"count": 0}

    def crash_at(k: int):  # type: ignore[no-untyped-def]
        def fault(where: str) -> None:
            points["count"] += 1
            if points["count"] == k:
                raise Crash(where)

        return fault

    phases = [
        lambda fault: services.payment_run_execute(run_id=run.pk, chunk_size=3, fault=fault),
        lambda fault: services.payment_run_settle(run_id=run.pk, chunk_size=3, fault=fault),
    ]
    crashes = 0
    for phase in phases:
        k = 1
        while True:
            points["count"] = 0
            try:
                phase(crash_at(k))
            except Crash:
                crashes += 1
                k += 1
                continue
            break
    assert crashes >= 15  # every boundary of a run this size was crashed at once
    assert_exactly_once_and_balanced(run)
    print(f"{crashes} crashes, one at each step boundary in turn: the run completed exactly once")


def _in_thread(target, results, key):  # type: ignore[no-untyped-def]
    def runner() -> None:
        try:
            results[key] = target()
        except Exception as exc:
            results[key] = exc
        finally:
            connections.close_all()

    return threading.Thread(target=runner)


@pytest.mark.django_db(transaction=True)
def test_two_runs_for_the_same_date_at_once(payment_policy, originator, officers, staff):
    build_schedules(staff, 30)
    pay_on = next_working_day_from_today()
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def make(actor):  # type: ignore[no-untyped-def]
        def go() -> PaymentRun:
            start.wait()
            return services.payment_run_create(actor=actor, pay_on=pay_on, request_key=uuid.uuid4().hex)

        return go

    threads = [_in_thread(make(officers[0]), results, "a"), _in_thread(make(officers[1]), results, "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    made = [r for r in results.values() if isinstance(r, PaymentRun)]
    refused = [r for r in results.values() if isinstance(r, ValidationFailed)]
    assert len(made) == 1, results
    assert len(refused) == 1, results
    assert "already" in refused[0].message or "Finish or cancel it" in refused[0].message
    assert PaymentRun.objects.count() == 1
    assert Payment.objects.count() == made[0].payment_count >= 30


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_run_at_once(payment_policy, originator, officers, staff):
    build_schedules(staff, 12)
    run = approved(officers)
    first_has_started = threading.Event()
    let_first_finish = threading.Event()
    results: dict[str, object] = {}

    def hold(where: str) -> None:
        first_has_started.set()
        let_first_finish.wait(timeout=30)

    first = _in_thread(lambda: services.payment_run_execute(run_id=run.pk, chunk_size=5, fault=hold), results, "first")
    first.start()
    assert first_has_started.wait(timeout=30)
    second = _in_thread(lambda: services.payment_run_execute(run_id=run.pk), results, "second")
    second.start()
    second.join(timeout=30)
    let_first_finish.set()
    first.join(timeout=60)
    assert isinstance(results["second"], engine.RunBusy), results
    assert "already being sent by another process" in results["second"].message  # type: ignore[union-attr]
    assert isinstance(results["first"], PaymentRun)
    assert results["first"].status == PaymentRunStatus.COMPLETED  # type: ignore[union-attr]
    assert Journal.objects.filter(source=f"payment-run:{run.pk}").count() == -(-run.payment_count // 5)
