"""Reads for monitoring."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from dp.core.errors import PolicyMissing, ValidationFailed
from dp.councils.selectors import policy_value_get
from dp.monitoring.constants import TransactionStatus
from dp.monitoring.domain.categorise import Categoriser, KnownPayee, PayeeKind, PlanLineRef, SpendCategory
from dp.monitoring.domain.categorise import MerchantRule as DomainMerchantRule
from dp.monitoring.domain.surplus import SurplusPolicy
from dp.monitoring.models import MerchantRule, Receipt, StatementImport, StatementReconciliation, Transaction
from dp.monitoring.policy import SURPLUS_ALLOWED_WEEKS, SURPLUS_MINIMUM_WEEKS
from dp.payments.constants import AccountKind
from dp.payments.models import DirectPaymentAccount
from dp.plans.constants import Funding, LineKind, PlanStatus
from dp.plans.models import PlanLine, PlanPayee
from dp.staff.models import User


def council_surplus_policy(on: dt.date) -> SurplusPolicy | None:
    """The council's surplus policy on `on`, or None when it has not set the allowed weeks."""
    try:
        allowed = int(policy_value_get(SURPLUS_ALLOWED_WEEKS.key, on=on))
    except PolicyMissing:
        return None
    try:
        minimum: int | None = int(policy_value_get(SURPLUS_MINIMUM_WEEKS.key, on=on))
    except PolicyMissing:
        minimum = None
    return SurplusPolicy(allowed_weeks=allowed, minimum_weeks=minimum)


# -- statements and categorising ------------------------------------------------------------------------


def account_statement_reference(account: DirectPaymentAccount) -> str:
    """The reference a statement without an account column is read under (part of each line's dedup key,
    so it must never change for an account): the card account reference, the managed account's client
    reference, the bank account number, or ``DPA<id>``."""
    if account.kind == AccountKind.PREPAID_CARD and account.card_account_reference:
        return account.card_account_reference
    if account.kind == AccountKind.MANAGED and account.client_reference:
        return account.client_reference
    if account.kind == AccountKind.BANK and account.account_number:
        return account.account_number
    return f"DPA{account.pk}"


def account_statement_references(account: DirectPaymentAccount) -> set[str]:
    """Every reference a statement may give for `account` (an IBAN or sort code and number ending in
    the bank account number is accepted by the importer too)."""
    found = {account_statement_reference(account), f"DPA{account.pk}"}
    for value in (account.card_account_reference, account.client_reference, account.account_number):
        if value:
            found.add(value)
    if account.sort_code and account.account_number:
        found.add(f"{account.sort_code}{account.account_number}")
    return found


def merchant_rules_in_force(on: dt.date) -> list[DomainMerchantRule]:
    """The council's merchant rules in force on `on`, first match first, as the pure domain rules."""
    rules = []
    for rule in MerchantRule.objects.filter(effective_from__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    ):
        try:
            rules.append(DomainMerchantRule(rule.ref, rule.pattern, SpendCategory(rule.category), match=rule.match))  # type: ignore[arg-type]
        except ValidationFailed:
            continue  # a rule the domain cannot use (too short) never matches anything
    return rules


def categorisers_for_accounts(
    account_ids: Sequence[int], *, on: dt.date
) -> tuple[dict[int, int], dict[int, Categoriser]]:
    """A `Categoriser` per person, from their approved support plans (direct payment lines and payees)
    and the council's rules in force on `on`. Returns (account id -> group, group -> categoriser);
    accounts whose people have no approved plan share group 0, so their lines are categorised once."""
    rules = merchant_rules_in_force(on)
    person_of = dict(DirectPaymentAccount.objects.filter(pk__in=account_ids).values_list("pk", "person_id"))
    lines_by_person: dict[int, list[PlanLineRef]] = defaultdict(list)
    payee_lines: dict[int, list[PlanLine]] = defaultdict(list)
    for line in (
        PlanLine.objects.filter(
            plan__case__person_id__in=set(person_of.values()),
            plan__status=PlanStatus.APPROVED,
            funding=Funding.DIRECT_PAYMENT,
        )
        .select_related("plan__case")
        .order_by("plan__case__person_id", "id")
    ):
        person_id = line.plan.case.person_id
        lines_by_person[person_id].append(PlanLineRef(id=str(line.pk), category=line.category, label=line.description))
        if line.payee_id:
            payee_lines[line.payee_id].append(line)
    payees_by_person: dict[int, list[KnownPayee]] = defaultdict(list)
    for payee in PlanPayee.objects.filter(pk__in=payee_lines).select_related("plan__case"):
        lines = payee_lines[payee.pk]
        agency = any(line.kind == LineKind.CARE_AGENCY for line in lines)
        try:
            known = KnownPayee(
                id=f"plan-payee:{payee.pk}",
                kind=PayeeKind.CARE_AGENCY if agency else PayeeKind.PERSONAL_ASSISTANT,
                names=(payee.name,),
                plan_line_ids=tuple(str(line.pk) for line in lines),
            )
        except ValidationFailed:
            continue
        payees_by_person[payee.plan.case.person_id].append(known)
    groups: dict[int, int] = {}
    categorisers: dict[int, Categoriser] = {0: Categoriser(plan_lines=(), rules=rules)}
    group_of_person: dict[int, int] = {}
    for account_id in account_ids:
        person_id = person_of[account_id]
        if not lines_by_person.get(person_id) and not payees_by_person.get(person_id):
            groups[account_id] = 0
            continue
        if person_id not in group_of_person:
            group_of_person[person_id] = len(categorisers)
            categorisers[group_of_person[person_id]] = Categoriser(
                plan_lines=lines_by_person[person_id], payees=payees_by_person[person_id], rules=rules
            )
        groups[account_id] = group_of_person[person_id]
    return groups, categorisers


# -- pages -------------------------------------------------------------------------------------------------


def statement_import_list() -> QuerySet[StatementImport]:
    return StatementImport.objects.select_related("uploaded_by", "account__person", "mapping").order_by(
        "-created_at", "-id"
    )


def statement_import_reconciliations(imp: StatementImport, *, user: User) -> QuerySet[StatementReconciliation]:
    """The import's balance checks for accounts of people the user may open (a restricted person's name and
    balance are not shown to everyone who imports statements), largest difference first."""
    from dp.people.access import people_visible_to

    return (
        imp.reconciliations.filter(account__person__in=people_visible_to(user))
        .select_related("account__person")
        .order_by("-difference_pence", "account_id")
    )


def account_transactions(
    account: DirectPaymentAccount,
    *,
    status: str = "",
    category: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Transaction]:
    """An account's transactions, newest first, filtered (the (account, posted_on) index serves it)."""
    lines = Transaction.objects.filter(account=account)
    if status:
        lines = lines.filter(status=status)
    if category:
        lines = lines.filter(category=category)
    if date_from:
        lines = lines.filter(posted_on__gte=date_from)
    if date_to:
        lines = lines.filter(posted_on__lte=date_to)
    return lines.select_related("plan_line").annotate(receipt_count=Count("receipts")).order_by("-posted_on", "-id")


def account_transaction_summary(account: DirectPaymentAccount) -> dict[str, Any]:
    """Counts and totals for the account's page and panel: everything, and what is unexplained."""
    totals = Transaction.objects.filter(account=account).aggregate(
        count=Count("id"),
        unexplained=Count("id", filter=Q(status=TransactionStatus.UNEXPLAINED)),
        unexplained_pence=Sum("amount_pence", filter=Q(status=TransactionStatus.UNEXPLAINED)),
        money_in_pence=Sum("amount_pence", filter=Q(amount_pence__gt=0)),
        money_out_pence=Sum("amount_pence", filter=Q(amount_pence__lt=0)),
        first_on=Min("posted_on"),
        last_on=Max("posted_on"),
    )
    return {
        k: (v if v is not None else 0) if k.endswith(("pence", "count", "unexplained")) else v
        for k, v in totals.items()
    }


def account_receipts(account: DirectPaymentAccount) -> QuerySet[Receipt]:
    return Receipt.objects.filter(account=account).select_related("transaction", "uploaded_by").order_by("-created_at")


def plan_lines_for_categorising(account: DirectPaymentAccount) -> QuerySet[PlanLine]:
    """Lines a transaction of `account` can be put against by hand: the direct payment lines of its person's
    approved support plans and of plans replaced since (for spending before the change), newest plan first."""
    return (
        PlanLine.objects.filter(
            plan__case__person_id=account.person_id,
            plan__status__in=(PlanStatus.APPROVED, PlanStatus.SUPERSEDED),
            funding=Funding.DIRECT_PAYMENT,
        )
        .select_related("plan")
        .order_by("-plan__approved_at", "-plan_id", "id")
    )


def merchant_rule_list() -> QuerySet[MerchantRule]:
    return MerchantRule.objects.select_related("created_by", "ended_by").order_by(
        F("ended_on").asc(nulls_first=True), "position", "id"
    )
