"""Fetching accounts, schedules and runs the user may see (404 for missing and forbidden alike).

Accounts and schedules belong to a person: whoever may open the person may see them. Payment runs,
their files and the money managers are council-wide: payments officers and auditors only.
"""

from __future__ import annotations

from django.http import Http404

from dp.payments.models import (
    BankDetailsChange,
    DirectPaymentAccount,
    MoneyManager,
    Payment,
    PaymentFile,
    PaymentReturn,
    PaymentRun,
    PaymentSchedule,
)
from dp.people.access import people_visible_to
from dp.staff.models import User
from dp.staff.roles import Role

RUN_ROLES = (Role.PAYMENTS_OFFICER, Role.AUDITOR)


def access_account_by_id(user: User, account_id: int) -> DirectPaymentAccount:
    account = (
        DirectPaymentAccount.objects.filter(pk=account_id, person__in=people_visible_to(user))
        .select_related("person", "holder", "money_manager")
        .first()
    )
    if account is None:
        raise Http404("No such account")
    return account


def access_schedule_by_id(user: User, schedule_id: int) -> PaymentSchedule:
    schedule = (
        PaymentSchedule.objects.filter(pk=schedule_id, person__in=people_visible_to(user))
        .select_related("person", "case", "account__money_manager")
        .first()
    )
    if schedule is None:
        raise Http404("No such payment schedule")
    return schedule


def access_bank_change_by_id(user: User, change_id: int) -> BankDetailsChange:
    change = (
        BankDetailsChange.objects.filter(pk=change_id, account__person__in=people_visible_to(user))
        .select_related("account__person", "requested_by")
        .first()
    )
    if change is None:
        raise Http404("No such change of bank details")
    return change


def access_payment_run_by_id(user: User, run_id: int) -> PaymentRun:
    if not user.has_role(*RUN_ROLES):
        raise Http404("No such payment run")
    run = PaymentRun.objects.filter(pk=run_id).select_related("created_by", "approved_by", "cancelled_by").first()
    if run is None:
        raise Http404("No such payment run")
    return run


def access_payment_file_by_id(user: User, file_id: int) -> PaymentFile:
    if not user.has_role(*RUN_ROLES):
        raise Http404("No such file")
    payment_file = PaymentFile.objects.filter(pk=file_id).select_related("run").first()
    if payment_file is None:
        raise Http404("No such file")
    return payment_file


def access_money_manager_by_id(user: User, manager_id: int) -> MoneyManager:
    manager = MoneyManager.objects.filter(pk=manager_id).first()
    if manager is None:
        raise Http404("No such money manager")
    return manager


def access_payment_by_id(user: User, payment_id: int) -> Payment:
    if not user.has_role(*RUN_ROLES):
        raise Http404("No such payment")
    payment = Payment.objects.filter(pk=payment_id).select_related("run", "schedule__person", "account").first()
    if payment is None:
        raise Http404("No such payment")
    return payment


def access_payment_return_by_id(user: User, return_id: int) -> PaymentReturn:
    if not user.has_role(*RUN_ROLES):
        raise Http404("No such returned payment")
    payment_return = (
        PaymentReturn.objects.filter(pk=return_id)
        .select_related(
            "payment__run", "payment__schedule__person", "payment__schedule__account", "payment__account", "reissue"
        )
        .first()
    )
    if payment_return is None:
        raise Http404("No such returned payment")
    return payment_return
