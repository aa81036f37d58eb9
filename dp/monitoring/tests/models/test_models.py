"""The tables' own guarantees: one transaction per account and dedup key, choices equal to the domain's."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from dp.monitoring.constants import SpendCategoryChoice
from dp.monitoring.domain.categorise import CATEGORY_LABELS, SpendCategory
from dp.monitoring.tests.factories import TransactionFactory


def test_spend_category_choices_are_the_domain_categories() -> None:
    assert dict(SpendCategoryChoice.choices) == {c.value: CATEGORY_LABELS[c] for c in SpendCategory}


@pytest.mark.django_db
class TestTransactionUniqueness:
    def test_the_same_dedup_key_on_one_account_is_refused(self) -> None:
        first = TransactionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            TransactionFactory(account=first.account, dedup_key=first.dedup_key)

    def test_the_same_dedup_key_on_another_account_is_allowed(self) -> None:
        first = TransactionFactory()
        second = TransactionFactory(dedup_key=first.dedup_key)
        assert second.account_id != first.account_id
