"""Proportionate audit scheduling, and the audit case workflow: every allowed and every refused move."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.reviews import add_months
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.monitoring.domain.audits import (
    AUDIT_CASE_STATUSES,
    AUDIT_CASE_TRANSITIONS,
    OUTCOMES,
    TERMINAL_STATUSES,
    AuditFacts,
    AuditPolicy,
    OpenFinding,
    allowed_audit_transitions,
    check_audit_transition,
    schedule_audit,
)

D = dt.date
POLICY = AuditPolicy(initial_check_weeks=12, interval_months=12, open_finding_days=28, full_audit_open_findings=3)
TODAY = D(2026, 6, 1)


class TestSchedule:
    def test_nothing_to_audit_before_the_first_payment(self):
        schedule = schedule_audit(AuditFacts(first_payment_on=None), POLICY, today=TODAY)
        assert (schedule.due_on, schedule.tier, schedule.overdue) == (None, None, False)
        assert schedule.reasons == ("No direct payment has been made yet, so there is nothing to audit.",)

    def test_first_check_after_the_initial_period(self):
        schedule = schedule_audit(AuditFacts(first_payment_on=D(2026, 5, 4)), POLICY, today=TODAY)
        assert (schedule.due_on, schedule.tier, schedule.overdue) == (D(2026, 7, 27), "light_touch", False)
        assert schedule.reasons == (
            "First check: 12 weeks after the first payment on 4 May 2026.",
            "Light touch (automatic evidence only): no open findings and nothing else raising the risk.",
        )

    def test_then_yearly_from_the_last_audit_with_month_ends(self):
        facts = AuditFacts(first_payment_on=D(2024, 1, 1), last_audit_on=D(2024, 2, 29), last_audit_outcome="no_action")
        schedule = schedule_audit(facts, POLICY, today=D(2025, 3, 1))
        assert (schedule.due_on, schedule.overdue) == (D(2025, 2, 28), True)
        assert schedule.reasons[0] == "Regular audit: 12 months after the last audit on 29 February 2024."
        assert schedule.reasons[-1] == "Overdue since 28 February 2025."

    def test_open_findings_bring_it_forward_and_deepen_it(self):
        facts = AuditFacts(
            first_payment_on=D(2025, 1, 6),
            last_audit_on=D(2026, 1, 10),
            last_audit_outcome="advice_and_support",
            open_findings=(OpenFinding("DP-CASH-NO-RECEIPT", "low", D(2026, 5, 20)),),
        )
        schedule = schedule_audit(facts, POLICY, today=TODAY)
        assert (schedule.due_on, schedule.tier) == (D(2026, 6, 17), "light_touch")
        assert schedule.reasons[1] == (
            "Brought forward: 1 finding open, the earliest raised on 20 May 2026; audits are due within 28 days "
            "of a finding."
        )

    def test_an_open_finding_later_than_the_regular_date_does_not_delay_it(self):
        facts = AuditFacts(
            first_payment_on=D(2026, 5, 4), open_findings=(OpenFinding("DP-NO-SPEND", "medium", D(2026, 7, 20)),)
        )
        assert schedule_audit(facts, POLICY, today=TODAY).due_on == D(2026, 7, 27)

    @pytest.mark.parametrize(
        ("facts", "because"),
        [
            (
                AuditFacts(D(2025, 1, 6), open_findings=(OpenFinding("DP-PROHIBITED-SPEND", "high", D(2026, 5, 1)),)),
                "open high-severity findings (DP-PROHIBITED-SPEND)",
            ),
            (
                AuditFacts(
                    D(2025, 1, 6), open_findings=tuple(OpenFinding(f"DP-{i}", "low", D(2026, 5, i)) for i in (1, 2, 3))
                ),
                "3 open findings",
            ),
            (
                AuditFacts(D(2025, 1, 6), last_audit_on=D(2025, 6, 1), last_audit_outcome="recovery_proposed"),
                "the last audit's outcome was recovery proposed",
            ),
            (AuditFacts(D(2025, 1, 6), statements_up_to_date=False), "no up-to-date statements"),
        ],
    )
    def test_full_audit_when_the_risk_is_higher(self, facts, because):
        schedule = schedule_audit(facts, POLICY, today=TODAY)
        assert schedule.tier == "full"
        assert because in schedule.reasons[-1] or because in " ".join(schedule.reasons)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"initial_check_weeks": 0}, "initial_check_weeks"),
            ({"interval_months": 13}, "interval_months"),
            ({"open_finding_days": True}, "open_finding_days"),
            ({"full_audit_open_findings": -1}, "full_audit_open_findings"),
        ],
    )
    def test_bad_policy(self, changes, field):
        values = {
            "initial_check_weeks": 12,
            "interval_months": 12,
            "open_finding_days": 28,
            "full_audit_open_findings": 3,
            **changes,
        }
        with pytest.raises(ValidationFailed) as info:
            AuditPolicy(**values)
        assert info.value.field == field

    @given(
        first=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
        gap=st.integers(min_value=0, max_value=2000),
        raised=st.lists(st.integers(min_value=0, max_value=2000), max_size=4),
        interval=st.integers(min_value=1, max_value=12),
    )
    def test_an_audit_is_never_later_than_the_regular_date(self, first, gap, raised, interval):
        policy = AuditPolicy(12, interval, 28, 3)
        last = first + dt.timedelta(days=gap)
        findings = tuple(OpenFinding("DP-X", "low", first + dt.timedelta(days=d)) for d in raised)
        schedule = schedule_audit(AuditFacts(first, last_audit_on=last, open_findings=findings), policy, today=last)
        regular = add_months(last, interval)
        sooner = [f.raised_on + dt.timedelta(days=28) for f in findings]
        assert schedule.due_on == min([regular, *sooner])
        assert schedule.tier in ("light_touch", "full")
        assert schedule.overdue == (schedule.due_on < last)
        assert len(schedule.reasons) >= 2


ALLOWED = sorted((a, b) for a, targets in AUDIT_CASE_TRANSITIONS.items() for b in targets)
REFUSED = sorted(
    (a, b) for a, b in itertools.product(AUDIT_CASE_STATUSES, AUDIT_CASE_STATUSES) if b not in AUDIT_CASE_TRANSITIONS[a]
)
GUARDS = {"response_ends_on": TODAY - dt.timedelta(days=1), "decided_on": TODAY, "review_request_days": 28}


class TestWorkflowTable:
    def test_the_table_is_closed_and_every_status_is_reachable(self):
        for targets in AUDIT_CASE_TRANSITIONS.values():
            assert targets <= set(AUDIT_CASE_STATUSES)
        reachable = {"opened"}
        frontier = ["opened"]
        while frontier:
            for target in AUDIT_CASE_TRANSITIONS[frontier.pop()]:
                if target not in reachable:
                    reachable.add(target)
                    frontier.append(target)
        assert reachable == set(AUDIT_CASE_STATUSES)

    def test_every_outcome_can_be_reached_from_the_information_received(self):
        assert AUDIT_CASE_TRANSITIONS["information_received"] >= OUTCOMES
        assert {"no_action", "advice_and_support", "closed"} == TERMINAL_STATUSES

    def test_the_recovery_path(self):
        path = [
            "opened",
            "information_requested",
            "information_received",
            "recovery_proposed",
            "recovery_decided",
            "review_requested",
            "review_decided",
            "closed",
        ]
        for current, target in itertools.pairwise(path):
            check_audit_transition(current, target, today=TODAY, **GUARDS)

    @pytest.mark.parametrize(("current", "target"), ALLOWED)
    def test_every_allowed_move(self, current, target):
        check_audit_transition(current, target, today=TODAY, **GUARDS)
        assert target in allowed_audit_transitions(current)

    @pytest.mark.parametrize(("current", "target"), REFUSED)
    def test_every_refused_move(self, current, target):
        with pytest.raises(TransitionNotAllowed) as info:
            check_audit_transition(current, target, today=TODAY, **GUARDS)
        assert info.value.field == "status"
        assert "cannot move to" in info.value.message

    def test_a_finished_case_says_so(self):
        with pytest.raises(TransitionNotAllowed, match=r"it can move to: nothing \(the case is finished\)"):
            check_audit_transition("closed", "opened", today=TODAY)

    def test_an_unknown_status(self):
        with pytest.raises(TransitionNotAllowed, match="not an audit case status"):
            check_audit_transition("lost", "opened", today=TODAY)


class TestTimeGuards:
    def test_a_recovery_waits_for_the_response_period(self):
        ends = D(2026, 6, 15)
        with pytest.raises(TransitionNotAllowed, match="has until 15 June 2026 to respond"):
            check_audit_transition("recovery_proposed", "recovery_decided", today=ends, response_ends_on=ends)
        check_audit_transition("recovery_proposed", "recovery_decided", today=D(2026, 6, 16), response_ends_on=ends)
        check_audit_transition(
            "recovery_proposed", "recovery_decided", today=D(2026, 6, 2), response_ends_on=ends, response_received=True
        )
        with pytest.raises(TransitionNotAllowed, match="without its response period"):
            check_audit_transition("recovery_proposed", "recovery_decided", today=TODAY)

    def test_a_review_must_be_asked_for_in_time(self):
        decided = D(2026, 6, 1)
        check_audit_transition(
            "recovery_decided", "review_requested", today=D(2026, 6, 29), decided_on=decided, review_request_days=28
        )
        with pytest.raises(TransitionNotAllowed, match="had to be asked for by 29 June 2026"):
            check_audit_transition(
                "recovery_decided", "review_requested", today=D(2026, 6, 30), decided_on=decided, review_request_days=28
            )
        check_audit_transition("recovery_decided", "review_requested", today=D(2030, 1, 1))


class TestFinalAudit:
    """A direct payment that ended is audited within the council's period after its last day (DP-TERM-03)."""

    def test_due_after_the_end_unless_audited_since(self):
        facts = AuditFacts(first_payment_on=D(2025, 1, 6), ended_on=D(2026, 5, 20), last_audit_on=D(2026, 1, 10))
        schedule = schedule_audit(facts, POLICY, today=TODAY)
        assert (schedule.due_on, schedule.tier, schedule.overdue) == (D(2026, 7, 15), "light_touch", False)
        assert schedule.reasons[0] == (
            "Final audit: the direct payment ended on 20 May 2026; money not spent on the person's needs is "
            "checked and recovered within 56 days of the end."
        )
        audited = schedule_audit(
            AuditFacts(first_payment_on=D(2025, 1, 6), ended_on=D(2026, 5, 20), last_audit_on=D(2026, 5, 20)),
            POLICY,
            today=TODAY,
        )
        assert (audited.due_on, audited.tier) == (None, None)

    def test_an_open_finding_still_brings_it_forward(self):
        facts = AuditFacts(
            first_payment_on=D(2025, 1, 6),
            ended_on=D(2026, 5, 1),
            last_audit_on=D(2026, 5, 2),
            open_findings=(OpenFinding("DP-SURPLUS", "medium", D(2026, 5, 10)),),
        )
        assert schedule_audit(facts, POLICY, today=TODAY).due_on == D(2026, 6, 7)

    def test_the_period_is_whole_days_one_or_more(self):
        with pytest.raises(ValidationFailed):
            AuditPolicy(
                initial_check_weeks=12,
                interval_months=12,
                open_finding_days=28,
                full_audit_open_findings=3,
                final_audit_days=0,
            )


class TestStatementsUpToDate:
    def test_within_the_councils_age_of_today_or_of_the_end(self):
        from dp.monitoring.domain.audits import statements_up_to_date

        assert not statements_up_to_date(None, today=TODAY, policy=POLICY)
        assert statements_up_to_date(TODAY - dt.timedelta(days=45), today=TODAY, policy=POLICY)
        assert not statements_up_to_date(TODAY - dt.timedelta(days=46), today=TODAY, policy=POLICY)
        ended = D(2026, 3, 1)
        assert statements_up_to_date(ended - dt.timedelta(days=40), today=TODAY, policy=POLICY, ended_on=ended)
        assert not statements_up_to_date(ended - dt.timedelta(days=46), today=TODAY, policy=POLICY, ended_on=ended)
