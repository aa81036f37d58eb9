"""Fetching monitoring objects the user may see (404 for missing and forbidden alike).

Statement imports, column mappings and merchant rules are council-wide: the statement roles only.
Transactions and receipts belong to an account, and so to a person: whoever may open the person.
"""

from __future__ import annotations

from django.http import Http404

from dp.monitoring.models import ColumnMappingProfile, MerchantRule, Receipt, StatementImport, Transaction
from dp.people.access import people_visible_to
from dp.staff.models import User
from dp.staff.roles import Role

#: Who imports statements and keeps the merchant rules and column mappings.
STATEMENT_ROLES = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR)
#: Who may change the merchant rules and column mappings.
RULE_WRITE_ROLES = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER)
#: Who categorises a transaction by hand.
CATEGORISE_ROLES = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR)
#: Who uploads receipts.
RECEIPT_ROLES = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR)


def access_statement_import_by_id(user: User, import_id: int) -> StatementImport:
    if not user.has_role(*STATEMENT_ROLES):
        raise Http404("No such statement import")
    found = StatementImport.objects.filter(pk=import_id).select_related("account__person", "mapping", "uploaded_by")
    imp = found.first()
    if imp is None:
        raise Http404("No such statement import")
    return imp


def access_mapping_by_id(user: User, mapping_id: int) -> ColumnMappingProfile:
    if not user.has_role(*STATEMENT_ROLES):
        raise Http404("No such column mapping")
    mapping = ColumnMappingProfile.objects.filter(pk=mapping_id).first()
    if mapping is None:
        raise Http404("No such column mapping")
    return mapping


def access_merchant_rule_by_id(user: User, rule_id: int) -> MerchantRule:
    if not user.has_role(*STATEMENT_ROLES):
        raise Http404("No such merchant rule")
    rule = MerchantRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise Http404("No such merchant rule")
    return rule


def access_transaction_by_id(user: User, transaction_id: int) -> Transaction:
    found = Transaction.objects.filter(pk=transaction_id, account__person__in=people_visible_to(user))
    line = found.select_related("account__person", "plan_line", "statement_import").first()
    if line is None:
        raise Http404("No such transaction")
    return line


def access_receipt_by_id(user: User, receipt_id: int) -> Receipt:
    found = Receipt.objects.filter(pk=receipt_id, account__person__in=people_visible_to(user))
    receipt = found.select_related("account__person", "transaction").first()
    if receipt is None:
        raise Http404("No such receipt")
    return receipt
