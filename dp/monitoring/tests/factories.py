"""State-named factories for monitoring: `StatementImportFactory` (done), `TransactionFactory` ..."""

from __future__ import annotations

import datetime as dt
import hashlib

import factory
from django.core.files.base import ContentFile

from dp.monitoring.constants import ImportStatus, RuleMatch, StatementFormatChoice, TransactionStatus
from dp.monitoring.models import MerchantRule, StatementImport, Transaction
from dp.payments.tests.factories import PrepaidCardAccountFactory


class StatementImportFactory(factory.django.DjangoModelFactory):
    """A card CSV import that has finished."""

    class Meta:
        model = StatementImport

    file = factory.LazyFunction(lambda: ContentFile(b"header\n", name="card.csv"))
    file_name = factory.Sequence(lambda n: f"card-{n:04d}.csv")
    format = StatementFormatChoice.CARD_CSV
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    size_bytes = 7
    status = ImportStatus.DONE


class TransactionFactory(factory.django.DjangoModelFactory):
    """Money out at a pharmacy, unexplained until categorised."""

    class Meta:
        model = Transaction

    account = factory.SubFactory(PrepaidCardAccountFactory)
    statement_import = factory.SubFactory(StatementImportFactory)
    posted_on = dt.date(2026, 5, 2)
    amount_pence = -1250
    merchant = "Brambles Pharmacy"
    description = "Card purchase"
    merchant_category_code = "5912"
    dedup_key = factory.Sequence(lambda n: hashlib.sha256(f"line{n}".encode()).hexdigest()[:32])
    line_number = factory.Sequence(lambda n: n + 2)
    status = TransactionStatus.UNEXPLAINED
    matched_by = "nothing"
    reason = "Nothing matched"


class MerchantRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MerchantRule

    pattern = "Tesco"
    match = RuleMatch.CONTAINS
    category = "groceries"
    effective_from = dt.date(2020, 1, 1)
