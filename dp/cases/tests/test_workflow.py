"""The workflow tables: every allowed and every refused transition, as data and through the services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dp.audit_log.models import Event, EventType
from dp.cases import services
from dp.cases.constants import CaseStatus, ReferralStatus
from dp.cases.domain.workflow import CASE_TRANSITIONS, REFERRAL_TRANSITIONS, can_transition, next_statuses
from dp.cases.tests.factories import AllocatedCaseFactory, ReceivedReferralFactory
from dp.core.errors import TransitionNotAllowed
from dp.staff.roles import Role

CASE_PAIRS = list(itertools.product(CaseStatus.values, CaseStatus.values))
ALLOWED_CASE = [(a, b) for a, b in CASE_PAIRS if b in CASE_TRANSITIONS[a]]
REFUSED_CASE = [(a, b) for a, b in CASE_PAIRS if b not in CASE_TRANSITIONS[a] and a != b]


class TestTables:
    def test_every_status_has_a_row(self) -> None:
        assert set(CASE_TRANSITIONS) == set(CaseStatus.values)
        assert set(REFERRAL_TRANSITIONS) == set(ReferralStatus.values)

    def test_targets_are_known_statuses(self) -> None:
        for targets in CASE_TRANSITIONS.values():
            assert targets <= set(CaseStatus.values)
        for targets in REFERRAL_TRANSITIONS.values():
            assert targets <= set(ReferralStatus.values)

    def test_terminal_states(self) -> None:
        assert next_statuses(CASE_TRANSITIONS, CaseStatus.CLOSED) == []
        assert next_statuses(REFERRAL_TRANSITIONS, ReferralStatus.ALLOCATED) == []
        assert next_statuses(REFERRAL_TRANSITIONS, ReferralStatus.CLOSED) == []

    def test_every_status_is_reachable_from_allocated(self) -> None:
        seen, frontier = {CaseStatus.ALLOCATED.value}, [CaseStatus.ALLOCATED.value]
        while frontier:
            for nxt in CASE_TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert seen == set(CaseStatus.values)

    def test_every_open_status_can_reach_closed(self) -> None:
        for status in CaseStatus.values:
            seen, frontier = {status}, [status]
            while frontier:
                for nxt in CASE_TRANSITIONS[frontier.pop()]:
                    if nxt not in seen:
                        seen.add(nxt)
                        frontier.append(nxt)
            assert CaseStatus.CLOSED in seen, status

    def test_unknown_status_allows_nothing(self) -> None:
        assert not can_transition(CASE_TRANSITIONS, "nonsense", CaseStatus.CLOSED)


def _case_in(status: str, staff):  # type: ignore[no-untyped-def]
    closed_on = dt.date(2026, 1, 1) if status == CaseStatus.CLOSED else None
    return AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=status, closed_on=closed_on)


@pytest.mark.django_db
class TestCaseTransitionService:
    @pytest.mark.parametrize(("start", "target"), ALLOWED_CASE, ids=[f"{a}->{b}" for a, b in ALLOWED_CASE])
    def test_allowed(self, staff, council, start: str, target: str) -> None:  # type: ignore[no-untyped-def]
        case = _case_in(start, staff)
        result = services.case_transition(
            actor=staff[Role.SOCIAL_WORKER], case=case, to_status=target, reason="Because"
        )
        result.refresh_from_db()
        assert result.status == target
        assert (result.closed_on is not None) == (target == CaseStatus.CLOSED)
        event = Event.objects.get(case=case, event_type=EventType.CASE_TRANSITIONED)
        assert event.data == {"before": {"status": start}, "after": {"status": target}}
        assert event.acting_user == staff[Role.SOCIAL_WORKER]

    @pytest.mark.parametrize(("start", "target"), REFUSED_CASE, ids=[f"{a}->{b}" for a, b in REFUSED_CASE])
    def test_refused(self, staff, council, start: str, target: str) -> None:  # type: ignore[no-untyped-def]
        case = _case_in(start, staff)
        with pytest.raises(TransitionNotAllowed):
            services.case_transition(actor=staff[Role.SOCIAL_WORKER], case=case, to_status=target, reason="Because")
        case.refresh_from_db()
        assert case.status == start
        assert not Event.objects.filter(case=case).exists()

    def test_same_status_is_idempotent(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = _case_in(CaseStatus.ACTIVE, staff)
        services.case_transition(actor=staff[Role.SOCIAL_WORKER], case=case, to_status=CaseStatus.ACTIVE)
        assert not Event.objects.filter(case=case).exists()

    def test_closing_needs_a_reason(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        from dp.core.errors import ValidationFailed

        case = _case_in(CaseStatus.ACTIVE, staff)
        with pytest.raises(ValidationFailed):
            services.case_transition(
                actor=staff[Role.SOCIAL_WORKER], case=case, to_status=CaseStatus.CLOSED, reason=" "
            )


REFERRAL_ACTIONS = {
    ReferralStatus.AWAITING_INFORMATION: lambda staff, r: services.referral_request_information(
        actor=staff[Role.TEAM_MANAGER], referral=r, information="GP letter"
    ),
    ReferralStatus.RECEIVED: lambda staff, r: services.referral_return_to_triage(
        actor=staff[Role.TEAM_MANAGER], referral=r, note=""
    ),
    ReferralStatus.ALLOCATED: lambda staff, r: services.referral_allocate(
        actor=staff[Role.TEAM_MANAGER], referral=r, worker=staff[Role.SOCIAL_WORKER]
    ),
    ReferralStatus.CLOSED: lambda staff, r: services.referral_close(
        actor=staff[Role.TEAM_MANAGER], referral=r, outcome="signposted", notes=""
    ),
}
REFERRAL_PAIRS = [(a, b) for a, b in itertools.product(ReferralStatus.values, ReferralStatus.values) if a != b]


@pytest.mark.django_db
class TestReferralTransitionServices:
    @pytest.mark.parametrize(("start", "target"), REFERRAL_PAIRS, ids=[f"{a}->{b}" for a, b in REFERRAL_PAIRS])
    def test_every_pair(self, staff, council, start: str, target: str) -> None:  # type: ignore[no-untyped-def]
        referral = ReceivedReferralFactory(
            received_by=staff[Role.DP_SUPPORT],
            status=start,
            outcome="signposted" if start == ReferralStatus.CLOSED else "",
        )
        action = REFERRAL_ACTIONS[target]
        if target in REFERRAL_TRANSITIONS[start]:
            action(staff, referral)
            referral.refresh_from_db()
            assert referral.status == target
        else:
            with pytest.raises(TransitionNotAllowed):
                action(staff, referral)
            referral.refresh_from_db()
            assert referral.status == start

    def test_allocation_opens_a_case_in_the_workers_team(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        referral = ReceivedReferralFactory(received_by=staff[Role.DP_SUPPORT])
        case = services.referral_allocate(
            actor=staff[Role.TEAM_MANAGER], referral=referral, worker=staff[Role.SOCIAL_WORKER]
        )
        assert case.reference == f"C{case.pk:06d}"
        assert case.team == staff[Role.SOCIAL_WORKER].team
        assert case.allocations.get().worker == staff[Role.SOCIAL_WORKER]
        assert set(Event.objects.filter(case=case).values_list("event_type", flat=True)) == {
            EventType.REFERRAL_ALLOCATED,
            EventType.CASE_OPENED,
        }

    def test_cannot_allocate_to_someone_who_is_not_a_worker(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        from dp.core.errors import ValidationFailed

        referral = ReceivedReferralFactory(received_by=staff[Role.DP_SUPPORT])
        with pytest.raises(ValidationFailed):
            services.referral_allocate(actor=staff[Role.TEAM_MANAGER], referral=referral, worker=staff[Role.AUDITOR])
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.RECEIVED

    def test_allocation_is_atomic(self, staff, council, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        """If writing the audit event fails, neither the referral nor the case changes."""
        referral = ReceivedReferralFactory(received_by=staff[Role.DP_SUPPORT])

        def boom(**kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("audit store unavailable")

        monkeypatch.setattr(services, "audit_event_record", boom)
        with pytest.raises(RuntimeError):
            services.referral_allocate(
                actor=staff[Role.TEAM_MANAGER], referral=referral, worker=staff[Role.SOCIAL_WORKER]
            )
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.RECEIVED
        assert not referral.person.cases.exists()
