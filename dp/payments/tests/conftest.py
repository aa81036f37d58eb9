"""Fixtures for the payments tests: the council's payment policy and Bacs details."""

from __future__ import annotations

import pytest

from dp.payments.tests.factories import BacsOriginatorFactory, set_payment_policy


@pytest.fixture
def payment_policy(council):  # type: ignore[no-untyped-def]
    set_payment_policy(council)
    return council


@pytest.fixture
def originator(db):  # type: ignore[no-untyped-def]
    return BacsOriginatorFactory()


@pytest.fixture
def officers(staff):  # type: ignore[no-untyped-def]
    """Two payments officers: the one who makes a run and the one who approves it."""
    return staff["payments_officer"], staff["second_payments_officer"]
