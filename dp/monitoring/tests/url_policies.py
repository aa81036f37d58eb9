"""Who may use each monitoring page (merged into tests/test_url_matrix.py), and sample objects for them.

The sample objects are built once per test world, on first use: a card account for the world's person with
an imported transaction and a receipt, a finished import, a merchant rule and a provider's column layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dp.staff.roles import CARE_ROLES, Role

STATEMENTS = {Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR}
RULE_WRITE = {Role.DP_SUPPORT, Role.PAYMENTS_OFFICER}

EXPECTED: dict[str, Any] = {
    "monitoring:import_list": STATEMENTS,
    "monitoring:import_create": STATEMENTS,
    "monitoring:import_detail": STATEMENTS,
    "monitoring:import_retry": STATEMENTS,
    "monitoring:mapping_list": STATEMENTS,
    "monitoring:mapping_create": RULE_WRITE,
    "monitoring:mapping_edit": RULE_WRITE,
    "monitoring:rule_list": STATEMENTS,
    "monitoring:rule_create": RULE_WRITE,
    "monitoring:rule_apply": RULE_WRITE,
    "monitoring:rule_edit": RULE_WRITE,
    "monitoring:rule_end": RULE_WRITE,
    "monitoring:account_transactions": CARE_ROLES,
    "monitoring:period_receipt_upload": STATEMENTS,
    "monitoring:transaction_categorise": STATEMENTS,
    "monitoring:receipt_upload": STATEMENTS,
    "monitoring:receipt_download": CARE_ROLES,
}

#: The smallest PDF the local scanner accepts (synthetic).
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class MonitoringWorld:
    account: Any
    statement_import: Any
    line: Any
    receipt: Any
    rule: Any
    mapping: Any


def monitoring_world(world: Any) -> MonitoringWorld:
    """Built on first use and kept on the world (each role's visit reuses it)."""
    cached = getattr(world, "_monitoring_world", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from django.core.files.base import ContentFile

    from dp.monitoring import services
    from dp.monitoring.tests.domain.statement_files import HERON_MAPPING
    from dp.monitoring.tests.factories import MerchantRuleFactory, StatementImportFactory, TransactionFactory
    from dp.payments.tests.factories import PrepaidCardAccountFactory

    officer = world.user(Role.PAYMENTS_OFFICER)
    account = PrepaidCardAccountFactory(person=world.person)
    imp = StatementImportFactory(uploaded_by=officer, lines_added=1)
    line = TransactionFactory(account=account, statement_import=imp)
    receipt = services.receipt_upload(
        actor=officer, file=ContentFile(SAMPLE_PDF, name="receipt.pdf"), transaction_=line
    )
    rule = MerchantRuleFactory(created_by=officer)
    mapping = services.column_mapping_save(
        actor=officer, provider="Heron Card Services", mapping=HERON_MAPPING.to_json()
    )
    built = MonitoringWorld(account, imp, line, receipt, rule, mapping)
    world._monitoring_world = built
    return built


def _w(world: Any) -> MonitoringWorld:
    return monitoring_world(world)


KWARGS: dict[str, Any] = {
    "monitoring:import_detail": lambda w: {"import_id": _w(w).statement_import.pk},
    "monitoring:import_retry": lambda w: {"import_id": _w(w).statement_import.pk},
    "monitoring:mapping_edit": lambda w: {"mapping_id": _w(w).mapping.pk},
    "monitoring:rule_edit": lambda w: {"rule_id": _w(w).rule.pk},
    "monitoring:rule_end": lambda w: {"rule_id": _w(w).rule.pk},
    "monitoring:account_transactions": lambda w: {"account_id": _w(w).account.pk},
    "monitoring:period_receipt_upload": lambda w: {"account_id": _w(w).account.pk},
    "monitoring:transaction_categorise": lambda w: {"transaction_id": _w(w).line.pk},
    "monitoring:receipt_upload": lambda w: {"transaction_id": _w(w).line.pk},
    "monitoring:receipt_download": lambda w: {"receipt_id": _w(w).receipt.pk},
}
