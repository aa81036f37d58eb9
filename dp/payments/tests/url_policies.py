"""Who may use each payments page (merged into tests/test_url_matrix.py), and sample objects for them.

The sample objects are built once per test world, on first use: the council's payment policy and Bacs
details, accounts of the three kinds for the world's person, a signed schedule on the world's case, a change
of bank details waiting, a sent run (with files) and a second run waiting for approval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dp.staff.roles import CARE_ROLES, Role

RUNS = {Role.PAYMENTS_OFFICER, Role.AUDITOR}
OFFICER = {Role.PAYMENTS_OFFICER}
MONEY = {Role.DP_SUPPORT, Role.PAYMENTS_OFFICER}

EXPECTED: dict[str, Any] = {
    "payments:run_list": RUNS,
    "payments:run_create": OFFICER,
    "payments:run_detail": RUNS,
    "payments:run_approve": OFFICER,
    "payments:run_cancel": OFFICER,
    "payments:run_start": OFFICER,
    "payments:run_settle": OFFICER,
    "payments:remittance_pdf": RUNS,
    "payments:file_download": RUNS,
    "payments:return_list": RUNS,
    "payments:returns_import": OFFICER,
    "payments:return_detail": RUNS,
    "payments:return_record": OFFICER,
    "payments:bank_changes": MONEY,
    "payments:bank_change_decide": MONEY,
    "payments:manager_list": {Role.PAYMENTS_OFFICER, Role.AUDITOR, Role.DP_SUPPORT},
    "payments:manager_create": MONEY,
    "payments:bank_holidays": {Role.PAYMENTS_OFFICER, Role.AUDITOR, Role.SYSTEM_ADMIN},
    "payments:bank_holiday_add": {Role.SYSTEM_ADMIN},
    "payments:originator": {Role.SYSTEM_ADMIN},
    "payments:person_money": CARE_ROLES,
    "payments:person_contributions": CARE_ROLES,
    "payments:account_open": MONEY,
    "payments:account_detail": CARE_ROLES,
    "payments:account_card_status": MONEY,
    "payments:account_close": MONEY,
    "payments:bank_change_request": MONEY,
    "payments:account_statement": CARE_ROLES,
    "payments:schedule_create": MONEY,
    "payments:schedule_detail": CARE_ROLES,
    "payments:schedule_change": MONEY,
    "payments:schedule_account": MONEY,
    "payments:schedule_suspend": MONEY,
    "payments:schedule_resume": MONEY,
    "payments:schedule_end": MONEY,
    "payments:schedule_one_off": MONEY,
    "payments:contribution_record": {Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.FINANCIAL_ASSESSOR},
}


@dataclass
class PaymentsWorld:
    card: Any
    bank: Any
    managed: Any
    schedule: Any
    other_case: Any
    change: Any
    sent: Any
    waiting: Any
    bacs_file: Any
    returned: Any


def payments_world(world: Any) -> PaymentsWorld:
    """Built on first use and kept on the world (each role's visit reuses it)."""
    cached = getattr(world, "_payments_world", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from django.utils import timezone

    from dp.cases.tests.factories import ActiveCaseFactory
    from dp.payments import services
    from dp.payments.constants import PaymentFileKind, ReturnReason
    from dp.payments.domain.working_days import next_working_day
    from dp.payments.models import BankDetailsChange, PaymentFile, PaymentReturn
    from dp.payments.selectors import bank_holidays
    from dp.payments.tests.factories import (
        BacsOriginatorFactory,
        BankAccountFactory,
        ManagedAccountFactory,
        PrepaidCardAccountFactory,
        SignedScheduleFactory,
        approved_run,
        calculated_run,
        next_working_day_from_today,
        set_payment_policy,
    )

    set_payment_policy(world.council)
    BacsOriginatorFactory()
    person = world.person
    card = PrepaidCardAccountFactory(person=person)
    bank = BankAccountFactory(person=person)
    managed = ManagedAccountFactory(person=person)
    schedule = SignedScheduleFactory(case=world.case, account=bank)
    other_case = ActiveCaseFactory(person=person, worker=world.user(Role.SOCIAL_WORKER))
    first = next_working_day_from_today()
    run = approved_run(
        created_by=world.user(Role.PAYMENTS_OFFICER), approved_by=world.user("second_payments_officer"), pay_on=first
    )
    sent = services.payment_run_execute(run_id=run.pk, chunk_size=5)
    waiting = calculated_run(
        created_by=world.user("second_payments_officer"),
        pay_on=next_working_day(first + dt.timedelta(days=1), bank_holidays()),
    )
    change = BankDetailsChange.objects.create(
        account=bank,
        account_name=person.full_name,
        sort_code="309634",
        account_number="99990000",
        reason="Holder phoned",
        requested_by=world.user("second_payments_officer"),
        requested_at=timezone.now(),
    )
    bacs_file = PaymentFile.objects.get(run=sent, kind=PaymentFileKind.BACS)
    # A return recorded as the returns file would (the run is not settled yet, so no journals here).
    paid = sent.payments.filter(amount_pence__gt=0).first()
    returned = PaymentReturn.objects.create(
        payment=paid,
        amount_pence=paid.amount_pence,
        returned_on=paid.pay_on,
        reason=ReturnReason.ACCOUNT_CLOSED,
        bank_reference="ARUCS1",
        recorded_at=timezone.now(),
    )
    built = PaymentsWorld(card, bank, managed, schedule, other_case, change, sent, waiting, bacs_file, returned)
    world._payments_world = built
    return built


def _w(world: Any) -> PaymentsWorld:
    return payments_world(world)


KWARGS: dict[str, Any] = {
    "payments:run_detail": lambda w: {"run_id": _w(w).sent.pk},
    "payments:run_approve": lambda w: {"run_id": _w(w).waiting.pk},
    "payments:run_cancel": lambda w: {"run_id": _w(w).waiting.pk},
    "payments:run_start": lambda w: {"run_id": _w(w).waiting.pk},
    "payments:run_settle": lambda w: {"run_id": _w(w).sent.pk},
    "payments:remittance_pdf": lambda w: {"run_id": _w(w).sent.pk, "payee": f"account-{_w(w).bank.pk}"},
    "payments:file_download": lambda w: {"file_id": _w(w).bacs_file.pk},
    "payments:return_detail": lambda w: {"return_id": _w(w).returned.pk},
    "payments:return_record": lambda w: {"payment_id": _w(w).returned.payment_id},
    "payments:bank_change_decide": lambda w: {"change_id": _w(w).change.pk},
    "payments:person_money": lambda w: {"person_id": w.person.pk},
    "payments:person_contributions": lambda w: {"person_id": w.person.pk},
    "payments:account_open": lambda w: {"person_id": w.person.pk, "kind": "prepaid-card"},
    "payments:account_detail": lambda w: {"account_id": _w(w).bank.pk},
    "payments:account_card_status": lambda w: {"account_id": _w(w).card.pk},
    "payments:account_close": lambda w: {"account_id": _w(w).managed.pk},
    "payments:bank_change_request": lambda w: {"account_id": _w(w).bank.pk},
    "payments:account_statement": lambda w: {
        "account_id": _w(w).bank.pk,
        "year": dt.date.today().year,
        "month": dt.date.today().month,
    },
    "payments:schedule_create": lambda w: {"case_id": _w(w).other_case.pk},
    "payments:schedule_detail": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:schedule_change": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:schedule_account": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:schedule_suspend": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:schedule_resume": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:schedule_end": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:schedule_one_off": lambda w: {"schedule_id": _w(w).schedule.pk},
    "payments:contribution_record": lambda w: {"schedule_id": _w(w).schedule.pk},
}
