"""Assessment records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from dp.assessments.constants import (
    EXCLUSION_ORDER_CHOICES,
    CarerSupport,
    EligibilityOutcome,
    EligibilityRoute,
    FinancialSource,
    FinancialStatus,
    NeedsKind,
    NeedsStatus,
    OfferAnswer,
    OfferOccasion,
    RecipientType,
    UpratingStatus,
)
from dp.core.models import TimeStamped


class NationalFigureEntry(models.Model):
    """A national figure an administrator entered because the shipped table has none (RULES.md
    marks it derived or not found). It fills the gap for that rates year only; shipped verified
    figures cannot be overridden. Never edited: a correction is a new row, the newest wins."""

    table = models.CharField(max_length=20, choices=[("charging", "Charging"), ("minimum_wage", "Minimum wage")])
    rates_year = models.CharField(max_length=7)
    name = models.CharField(max_length=80)
    amount_pence = models.BigIntegerField()
    source = models.CharField(max_length=300, help_text="Where the figure comes from, e.g. LAC(DHSC)(2026)1")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["table", "rates_year", "name", "-entered_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gte=0), name="national_figure_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.rates_year} {self.name}={self.amount_pence}"


class DirectPaymentOffer(models.Model):
    """That direct payments were offered as the first option, when, and the person's answer.

    Care and Support Statutory Guidance ch.12: people should be told about direct payments and
    offered them at every assessment and review. One row per conversation; never edited (a
    changed mind is a new offer). The latest answer prefills the "asked for direct payments" fact
    of the eligibility decision.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dp_offers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(max_length=20, choices=OfferOccasion.choices)
    offered_on = models.DateField()
    answer = models.CharField(max_length=12, choices=OfferAnswer.choices)
    notes = models.TextField(blank=True)
    needs_assessment = models.ForeignKey(
        "assessments.NeedsAssessment", null=True, blank=True, on_delete=models.PROTECT, related_name="offers"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-offered_on", "-id"]

    def __str__(self) -> str:
        return f"Direct payments offered on {self.offered_on}: {self.answer}"


class EligibilityDecision(TimeStamped):
    """A decision on whether direct payments can be made, condition by condition.

    Routes: Care Act 2014 s.31 (adult with capacity, or carer, to them or a nominee), s.32 (adult
    lacking capacity, to an authorised person) and Children Act 1989 s.17A (see
    `domain/eligibility.py`). `facts` holds what the worker recorded, `evidence` where the
    prefilled facts came from, `conditions` each condition with whether it is met and its source.
    Outcomes: ELIGIBLE, NOT_ELIGIBLE (a refusal: the person is told in writing with the reasons
    and how to challenge them, DP-ELIG-08) or UNDECIDED. Never edited: a later decision (for
    example at a review) is a new row, and the latest is the one in force.
    Excluded persons (DP-ELIG-06) are a yes/no with the order type from a fixed list.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="eligibility_decisions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    related_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=30, choices=EligibilityRoute.choices)
    age = models.PositiveSmallIntegerField()
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    excluded_by_criminal_justice_order = models.BooleanField(null=True)
    exclusion_order = models.CharField(max_length=50, choices=EXCLUSION_ORDER_CHOICES, blank=True)
    facts = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=16, choices=EligibilityOutcome.choices)
    recipient_type = models.CharField(max_length=40, choices=RecipientType.choices)
    conditions = models.JSONField(default=list)
    explanation = models.TextField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(excluded_by_criminal_justice_order=True) & ~models.Q(exclusion_order=""))
                | (~models.Q(excluded_by_criminal_justice_order=True) & models.Q(exclusion_order="")),
                name="exclusion_order_iff_excluded",
            )
        ]

    def __str__(self) -> str:
        return f"Eligibility for {self.person} on {self.decided_on}: {self.outcome}"

    @property
    def is_refusal(self) -> bool:
        return self.outcome == EligibilityOutcome.NOT_ELIGIBLE


class NeedsAssessment(TimeStamped):
    """A Care Act assessment of needs (s.9 adults, s.10 carers) or a children's s.17 decision.

    States: DRAFT (being written; may be changed) → COMPLETED (signed off by `completed_by`; never
    changed again: a reassessment is a new row). The national eligibility criteria (SI 2015/313)
    are decided from the recorded facts (`domain/needs.py`); `eligible` and `conditions` hold the
    decision as it stood when last saved. `personal_outcomes` is what matters to the person in
    their own words; `carer_support` records whether a carer was offered an assessment of their
    own needs (Care Act s.10).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="needs_assessments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=NeedsKind.choices)
    status = models.CharField(max_length=12, choices=NeedsStatus.choices, default=NeedsStatus.DRAFT)
    assessed_on = models.DateField()
    arises_from_condition = models.BooleanField(null=True)
    outcomes_not_achieved = models.JSONField(default=list, blank=True)
    carer_health_at_risk = models.BooleanField(null=True)
    significant_impact = models.BooleanField(null=True)
    child_needs_call_for_service = models.BooleanField(null=True)
    needs_description = models.TextField()
    personal_outcomes = models.TextField(blank=True)
    carer_support = models.CharField(max_length=20, choices=CarerSupport.choices, blank=True)
    eligible = models.BooleanField(null=True)
    conditions = models.JSONField(default=list)
    explanation = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status=NeedsStatus.COMPLETED) & models.Q(completed_at__isnull=False))
                | (~models.Q(status=NeedsStatus.COMPLETED) & models.Q(completed_at__isnull=True)),
                name="needs_completed_at_iff_completed",
            )
        ]

    def __str__(self) -> str:
        return f"Needs assessment of {self.person} on {self.assessed_on}"

    @property
    def is_draft(self) -> bool:
        return self.status == NeedsStatus.DRAFT


class FinancialAssessment(TimeStamped):
    """A non-residential financial assessment: what the person contributes each week (Care Act
    ss.14 and 17; Charging Regulations 2014).

    The officer's record (income by type, disregards, capital with the person's share of joint
    capital, housing costs, disability-related expenditure itemised or standard, couple, children,
    premiums, cost of care) and the result of `calculate_contribution` under the national figures
    in force on `assessed_on` and the council's policy then (`policy` keeps the policy used;
    `breakdown` the lines a person can check; `rates_year` the national figures' year).

    States: DRAFT (calculated, the officer is checking it; may be recalculated) → COMPLETED
    (confirmed; the person gets a letter; never changed again). The contribution applies from
    `effective_from`. `is_current` marks the latest completed assessment of the case, the one the
    next annual uprating re-runs; a reassessment or an uprating is a new row pointing at the one
    it replaces (`previous`), which stops being current.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="financial_assessments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=FinancialStatus.choices, default=FinancialStatus.DRAFT)
    source = models.CharField(max_length=10, choices=FinancialSource.choices, default=FinancialSource.OFFICER)
    is_current = models.BooleanField(default=False)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uprating_item = models.OneToOneField(
        "assessments.UpratingItem", null=True, blank=True, on_delete=models.PROTECT, related_name="new_assessment"
    )
    assessed_on = models.DateField()
    effective_from = models.DateField()
    # Inputs.
    age = models.PositiveSmallIntegerField()
    pension_credit_age = models.BooleanField(null=True)
    couple = models.BooleanField(default=False)
    dependent_children = models.PositiveSmallIntegerField(default=0)
    premiums = models.JSONField(default=list, blank=True)
    income = models.JSONField(default=list, blank=True)
    disregards = models.JSONField(default=list, blank=True)
    capital_sole_pence = models.BigIntegerField(default=0)
    capital_joint_total_pence = models.BigIntegerField(default=0)
    capital_joint_owners = models.PositiveSmallIntegerField(default=2)
    capital_pence = models.BigIntegerField(default=0)
    housing_costs_weekly_pence = models.BigIntegerField(default=0)
    dre_itemised = models.BooleanField(default=False)
    dre_items = models.JSONField(default=list, blank=True)
    disability_related_expenditure_weekly_pence = models.BigIntegerField(null=True, blank=True)
    cost_of_care_weekly_pence = models.BigIntegerField()
    # Result.
    weekly_contribution_pence = models.BigIntegerField()
    full_cost = models.BooleanField(default=False)
    tariff_income_weekly_pence = models.BigIntegerField(null=True, blank=True)
    minimum_income_guarantee_weekly_pence = models.BigIntegerField(null=True, blank=True)
    assessable_income_weekly_pence = models.BigIntegerField(null=True, blank=True)
    disposable_income_weekly_pence = models.BigIntegerField(null=True, blank=True)
    rates_year = models.CharField(max_length=7)
    breakdown = models.JSONField(default=list)
    policy = models.JSONField(default=dict)
    calculated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    calculated_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(is_current=True), name="one_current_financial_assessment"
            ),
            models.CheckConstraint(
                condition=models.Q(is_current=False) | models.Q(status=FinancialStatus.COMPLETED),
                name="only_completed_assessments_are_current",
            ),
            models.CheckConstraint(
                condition=(models.Q(status=FinancialStatus.COMPLETED) & models.Q(completed_at__isnull=False))
                | (~models.Q(status=FinancialStatus.COMPLETED) & models.Q(completed_at__isnull=True)),
                name="financial_completed_at_iff_completed",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_contribution_pence__gte=0)
                & models.Q(cost_of_care_weekly_pence__gte=0)
                & models.Q(capital_pence__gte=0)
                & models.Q(capital_sole_pence__gte=0)
                & models.Q(capital_joint_total_pence__gte=0)
                & models.Q(housing_costs_weekly_pence__gte=0),
                name="financial_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_contribution_pence__lte=models.F("cost_of_care_weekly_pence")),
                name="contribution_at_most_cost_of_care",
            ),
        ]
        indexes = [models.Index(fields=["is_current", "status", "effective_from"], name="fa_current_idx")]

    def __str__(self) -> str:
        return f"Financial assessment of {self.person} from {self.effective_from}"

    @property
    def is_draft(self) -> bool:
        return self.status == FinancialStatus.DRAFT


class UpratingBatch(TimeStamped):
    """One annual uprating: every current financial assessment re-run under the national figures
    in force on `target_on` (states and their order in `domain/uprating.py`).

    `figures` and `policy` keep exactly what the run used, so the approved results are the ones
    the officer saw and each letter can be explained later. `processed` counts progress while the
    background task runs. Totals are over the assessments re-calculated; `failed_count` are those
    that could not be (their rows say why).
    """

    target_on = models.DateField()
    rates_year = models.CharField(max_length=7)
    status = models.CharField(max_length=12, choices=UpratingStatus.choices, default=UpratingStatus.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    old_weekly_total_pence = models.BigIntegerField(default=0)
    new_weekly_total_pence = models.BigIntegerField(default=0)
    went_up = models.PositiveIntegerField(default=0)
    went_down = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)
    policy = models.JSONField(default=dict, blank=True)
    # The national benefit rates the run used to uprate benefit income ({rates year: {income type: [pence]}}).
    benefit_rates = models.JSONField(default=dict, blank=True)
    # How many people's benefit income was moved to the new national rates, and how many lines were left
    # as recorded because they are not a national rate (the officer checks those).
    income_uprated = models.PositiveIntegerField(default=0)
    income_left = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    applied = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(old_weekly_total_pence__gte=0) & models.Q(new_weekly_total_pence__gte=0),
                name="uprating_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True)
                | (models.Q(approved_by__isnull=False) & ~models.Q(status=UpratingStatus.READY)),
                name="uprating_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Uprating to {self.rates_year} ({self.status})"

    @property
    def reference(self) -> str:
        return f"U{self.pk:04d}"

    @property
    def is_working(self) -> bool:
        return self.status in (UpratingStatus.QUEUED, UpratingStatus.RUNNING, UpratingStatus.APPROVED)

    @property
    def change_weekly_pence(self) -> int:
        return self.new_weekly_total_pence - self.old_weekly_total_pence

    @property
    def percent_done(self) -> int:
        if self.status == UpratingStatus.APPROVED:
            done = self.applied
        else:
            done = self.processed
        return 100 if not self.total else min(100, done * 100 // self.total)


class UpratingItem(models.Model):
    """One person's assessment in an uprating batch: the contribution before and after, or why it
    could not be re-calculated. Written in bulk (COPY) by the run; never changed afterwards."""

    # Both are covered by the unique (batch, assessment) index: fewer indexes to keep up while rows are copied in.
    batch = models.ForeignKey(UpratingBatch, on_delete=models.CASCADE, related_name="items", db_index=False)
    assessment = models.ForeignKey(FinancialAssessment, on_delete=models.PROTECT, related_name="+", db_index=False)
    age = models.PositiveSmallIntegerField()
    old_weekly_contribution_pence = models.BigIntegerField()
    new_weekly_contribution_pence = models.BigIntegerField(null=True, blank=True)
    full_cost = models.BooleanField(null=True)
    minimum_income_guarantee_weekly_pence = models.BigIntegerField(null=True, blank=True)
    assessable_income_weekly_pence = models.BigIntegerField(null=True, blank=True)
    disposable_income_weekly_pence = models.BigIntegerField(null=True, blank=True)
    tariff_income_weekly_pence = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Benefit income moved to the new year's national rate, or left as recorded (`benefit_uprating.IncomeChange`).
    income_changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "assessment"], name="one_item_per_assessment_per_batch"),
            models.CheckConstraint(
                condition=(models.Q(new_weekly_contribution_pence__isnull=True) & ~models.Q(error=""))
                | (models.Q(new_weekly_contribution_pence__gte=0) & models.Q(error="")),
                name="uprating_item_result_or_error",
            ),
        ]

    def __str__(self) -> str:
        return f"Uprating item {self.pk} of batch {self.batch_id}"

    @property
    def income_change_lines(self) -> list[str]:
        from dp.assessments.domain.benefit_uprating import describe_changes

        return describe_changes(self.income_changes)

    @property
    def person(self) -> Any:
        return self.assessment.person

    @property
    def change_weekly_pence(self) -> int | None:
        if self.new_weekly_contribution_pence is None:
            return None
        return self.new_weekly_contribution_pence - self.old_weekly_contribution_pence
