"""Resource allocation schemes and indicative budgets through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.audit_log.models import Event, EventType
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.plans import services
from dp.plans.constants import RasSchemeStatus
from dp.plans.selectors import ras_scheme_in_force
from dp.plans.tests.factories import DraftRasSchemeFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db


def _values(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "name": "Adults RAS 2027",
        "effective_from": dt.date.today() + dt.timedelta(days=10),
        "pence_per_point": Decimal("550.00"),
        "holiday_pay_percent": Decimal("12.07"),
        "employer_ni_percent": Decimal(0),
        "pension_percent": Decimal(3),
        "insurance_weekly_pence": 350,
        "reason": "Annual uplift",
    }
    values.update(overrides)
    return values


class TestSchemeChanges:
    def test_new_draft_copies_the_questions_and_publishes_from_a_future_date(self, staff, scheme) -> None:  # type: ignore[no-untyped-def]
        admin = staff[Role.SYSTEM_ADMIN]
        draft = services.ras_scheme_create(actor=admin, copy_from=scheme, **_values())
        assert draft.status == RasSchemeStatus.DRAFT
        assert list(draft.questions.values_list("code", flat=True)) == ["q1", "q2"]
        services.ras_question_add(
            actor=admin, scheme=draft, text="Help at night", answers=[(0, "None"), (15, "Most nights")]
        )
        published = services.ras_scheme_publish(actor=admin, scheme=draft)
        assert published.status == RasSchemeStatus.PUBLISHED
        assert ras_scheme_in_force(dt.date.today()) == scheme
        assert ras_scheme_in_force(draft.effective_from) == draft
        assert Event.objects.filter(event_type=EventType.RAS_SCHEME_CHANGED).count() == 3

    def test_published_scheme_cannot_change(self, staff, scheme) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(TransitionNotAllowed):
            services.ras_question_add(
                actor=staff[Role.SYSTEM_ADMIN], scheme=scheme, text="x", answers=[(0, "a"), (1, "b")]
            )

    def test_cannot_publish_into_the_past(self, staff) -> None:  # type: ignore[no-untyped-def]
        draft = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN], effective_from=dt.date(2021, 1, 1))
        with pytest.raises(ValidationFailed) as exc:
            services.ras_scheme_publish(actor=staff[Role.SYSTEM_ADMIN], scheme=draft)
        assert exc.value.field == "effective_from"

    def test_cannot_publish_without_questions(self, staff) -> None:  # type: ignore[no-untyped-def]
        draft = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN], questions=False)
        with pytest.raises(ValidationFailed):
            services.ras_scheme_publish(actor=staff[Role.SYSTEM_ADMIN], scheme=draft)

    def test_price_must_be_positive(self, staff) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed):
            services.ras_scheme_create(actor=staff[Role.SYSTEM_ADMIN], **_values(pence_per_point=Decimal(0)))

    def test_update_draft(self, staff) -> None:  # type: ignore[no-untyped-def]
        draft = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])
        services.ras_scheme_update(actor=staff[Role.SYSTEM_ADMIN], scheme=draft, pension_percent=Decimal(5))
        draft.refresh_from_db()
        assert draft.pension_percent == Decimal(5)

    def test_remove_question(self, staff) -> None:  # type: ignore[no-untyped-def]
        draft = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])
        services.ras_question_remove(actor=staff[Role.SYSTEM_ADMIN], question=draft.questions.first())
        assert draft.questions.count() == 1


class TestIndicativeBudget:
    def test_worked_out_with_pa_on_costs_and_explained(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        budget = services.indicative_budget_calculate(
            actor=staff[Role.SOCIAL_WORKER],
            case=planning_case,
            answers={"q1": "a3", "q2": "a2"},
            pa_share_percent=Decimal(50),
        )
        # 50 points x £5 = £250; PA half £125; holiday 12.07% £15.09; pay £140.09; pension 3% £4.20; insurance £3
        assert budget.total_points == 50
        assert budget.core_weekly_pence == 25000
        assert budget.on_costs_weekly_pence == 1509 + 0 + 420 + 300
        assert budget.weekly_pence == 25000 + 2229
        labels = [line["label"] for line in budget.breakdown]
        assert "Total points" in labels
        assert labels[-2] == "Indicative weekly budget"
        assert Event.objects.filter(event_type=EventType.INDICATIVE_BUDGET_CALCULATED, case=planning_case).exists()

    def test_every_question_must_be_answered(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed):
            services.indicative_budget_calculate(
                actor=staff[Role.SOCIAL_WORKER], case=planning_case, answers={"q1": "a3"}, pa_share_percent=Decimal(0)
            )

    def test_needs_a_scheme_in_force(self, staff, planning_case, scheme) -> None:  # type: ignore[no-untyped-def]
        scheme.effective_from = dt.date.today() + dt.timedelta(days=5)
        scheme.save()
        with pytest.raises(ValidationFailed):
            services.indicative_budget_calculate(
                actor=staff[Role.SOCIAL_WORKER], case=planning_case, answers={}, pa_share_percent=Decimal(0)
            )


def test_two_schemes_cannot_start_on_the_same_day(staff) -> None:  # type: ignore[no-untyped-def]
    day = dt.date.today() + dt.timedelta(days=20)
    first = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN], effective_from=day)
    second = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN], effective_from=day)
    services.ras_scheme_publish(actor=staff[Role.SYSTEM_ADMIN], scheme=first)
    with pytest.raises(ValidationFailed):
        services.ras_scheme_publish(actor=staff[Role.SYSTEM_ADMIN], scheme=second)
