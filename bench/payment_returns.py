"""Importing the bank's returns file: N payments returned at once.

Run: .venv/bin/python bench/payment_returns.py [--returns 1000]

Builds, in its own database `test_direct_payments_bench_returns` (rebuilt every run: it is small), N people with a
bank account and a signed 4-weekly schedule, pays them in one run (calculated, approved, sent and recorded as
arrived through the services), then times:
- the floor: posting the same 2 x N journals (the payment did not arrive; it came back to the council) with
  `journal_post` alone, in a transaction rolled back: the ledger work no import can avoid;
- `seconds`: `payment_returns_import` of a returns file naming every payment (parse, lock and check each
  payment, the returns, the journals, the holder notices, the audit events), committed;
- `reimport_seconds`: the same file again (nothing changes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid

os.environ.setdefault("DP_TEST_DB", "bench_returns")

from _harness import report

PAY_ON = dt.date(2030, 1, 7)  # a Monday on the test cycle (every 4 weeks from 1 January 2024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--returns", type=int, default=1000)
    args = parser.parse_args()
    import django

    django.setup()
    import time_machine
    from django.db import connection, transaction

    # A fresh database each run (it is small): the harness keeps its databases, this one is dropped and migrated.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    from dp.councils.tests.factories import CouncilFactory
    from dp.ledger.services import journal_post
    from dp.payments import services
    from dp.payments import services_returns as returns
    from dp.payments.domain.returns import return_journals
    from dp.payments.models import Payment
    from dp.payments.tests.factories import (
        BacsOriginatorFactory,
        BankAccountFactory,
        SignedScheduleFactory,
        set_payment_policy,
    )
    from dp.staff.roles import Role
    from dp.staff.tests.factories import TeamFactory, UserFactory

    n = args.returns
    with time_machine.travel(dt.datetime(2030, 1, 2, 10, tzinfo=dt.UTC), tick=False) as clock:
        started = time.monotonic()
        with transaction.atomic():
            set_payment_policy(CouncilFactory())
            BacsOriginatorFactory()
            officer = UserFactory(roles=[Role.PAYMENTS_OFFICER])
            approver = UserFactory(roles=[Role.PAYMENTS_OFFICER])
            worker = UserFactory(roles=[Role.SOCIAL_WORKER], team=TeamFactory())
            for _ in range(n):
                schedule = SignedScheduleFactory(worker=worker, start_on=PAY_ON)
                schedule.account = BankAccountFactory(person=schedule.person)
                schedule.save(update_fields=["account"])
        run = services.payment_run_create(actor=officer, pay_on=PAY_ON, request_key=uuid.uuid4().hex)
        services.payment_run_approve(actor=approver, run=run)
        services.payment_run_execute(run_id=run.pk)
        clock.move_to(dt.datetime(2030, 1, 7, 8, tzinfo=dt.UTC))
        services.payment_run_settle(run_id=run.pk)
        clock.move_to(dt.datetime(2030, 1, 10, 10, tzinfo=dt.UTC))
        print(f"built {n} paid bank payments in {time.monotonic() - started:.1f} s")
        payments = list(Payment.objects.filter(run=run, amount_pence__gt=0).order_by("id"))
        lines = ["payment_reference,amount,returned_on,reason_code,bank_reference"]
        lines += [f"{p.reference},{p.amount_pence / 100:.2f},2030-01-09,B,ARUCS{p.pk}" for p in payments]
        text = "\n".join(lines) + "\n"

        started = time.monotonic()
        with transaction.atomic():
            for p in payments:
                not_arrived, back = return_journals(
                    person=p.schedule_id, amount_pence=p.amount_pence, channel="bank", reference=p.reference
                )
                journal_post(draft=not_arrived, posted_on=PAY_ON, source="floor", idempotency_key=f"f:{p.pk}:a")
                journal_post(draft=back, posted_on=PAY_ON, source="floor", idempotency_key=f"f:{p.pk}")
            transaction.set_rollback(True)
        floor = time.monotonic() - started

        started = time.monotonic()
        result = returns.payment_returns_import(actor=officer, filename="returns.csv", text=text)
        seconds = time.monotonic() - started
        assert len(result.recorded) == len(payments)

        started = time.monotonic()
        again = returns.payment_returns_import(actor=officer, filename="returns.csv", text=text)
        reimport = time.monotonic() - started
        assert not again.recorded
        assert len(again.already_recorded) == len(payments)
    report(
        bench="payment_returns",
        n=len(payments),
        seconds=round(seconds, 3),
        floor_seconds=round(floor, 3),
        ratio=round(seconds / floor, 2) if floor else None,
        reimport_seconds=round(reimport, 3),
    )


if __name__ == "__main__":
    main()
