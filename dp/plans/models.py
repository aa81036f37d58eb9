"""Resource allocation schemes, indicative budgets, support plans, the funding panel and personal budgets.

How they relate (for the parts that pay the money):

    RasScheme ─< RasQuestion ─< RasAnswer          (the council's questionnaire, effective-dated)
    Case ─< IndicativeBudget >─ RasScheme            (a worked-out indicative budget, with its explanation)
    Case ─< SupportPlan ─< PlanOutcome               (what the person wants to achieve, by assessed need)
                        ─< PlanPayee                 (people paid from the direct payment, e.g. PAs)
                        ─< PlanLine >─ PlanPayee     (costed lines, each by direct payment or council-arranged)
                        ─< PanelDecision             (the funding panel, when the plan costs more than its budget)
    Case ─< PersonalBudget >─ SupportPlan            (effective-dated; never overlapping for a case)

The personal budget in force on a date is the `PersonalBudget` whose `[effective_from,
effective_to)` contains it; `direct_payment_regular_weekly_pence` is what the direct payment pays
each week and `direct_payment_one_off_pence` what it pays once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from dp.core.models import TimeStamped
from dp.plans.constants import (
    OPEN_PLAN_STATUSES,
    BudgetSource,
    Funding,
    ItemCategory,
    LineKind,
    NecessaryPurpose,
    NecessaryReason,
    PanelOutcome,
    PayeeRelationship,
    PlanStatus,
    RasSchemeStatus,
)


class DateRange(Func):
    """PostgreSQL's `daterange(lower, upper, '[)')`, for the no-overlap constraint."""

    function = "daterange"
    output_field = DateRangeField()


class RasScheme(TimeStamped):
    """The council's Resource Allocation System from a date: questions whose answers score points,
    a price per point, and allowances for the costs of employing Personal Assistants.

    States: DRAFT (being written; questions can be added and removed) and PUBLISHED (fixed; in
    force from `effective_from` until a later published scheme starts). A change is a new draft,
    usually copied from the scheme in force, published from a later date, so an indicative budget
    worked out last year can always be explained with last year's scheme.
    """

    name = models.CharField(max_length=120)
    effective_from = models.DateField()
    status = models.CharField(max_length=12, choices=RasSchemeStatus.choices, default=RasSchemeStatus.DRAFT)
    # Pence per point as a rate: councils price points to fractions of a pound (a Decimal, never a float).
    pence_per_point = models.DecimalField(max_digits=12, decimal_places=2)
    holiday_pay_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    employer_ni_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    pension_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    insurance_weekly_pence = models.BigIntegerField(default=0)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(status=RasSchemeStatus.PUBLISHED),
                name="one_published_ras_scheme_per_date",
            ),
            models.CheckConstraint(condition=Q(pence_per_point__gte=0), name="ras_price_not_negative"),
            models.CheckConstraint(condition=Q(insurance_weekly_pence__gte=0), name="ras_insurance_not_negative"),
            models.CheckConstraint(
                condition=Q(holiday_pay_percent__gte=0, holiday_pay_percent__lte=100)
                & Q(employer_ni_percent__gte=0, employer_ni_percent__lte=100)
                & Q(pension_percent__gte=0, pension_percent__lte=100),
                name="ras_percentages_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(status=RasSchemeStatus.DRAFT) | Q(published_at__isnull=False),
                name="ras_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"

    @property
    def is_draft(self) -> bool:
        return self.status == RasSchemeStatus.DRAFT

    @property
    def price_per_point_display(self) -> str:
        """ "£4.50" or "£4.125" (pounds, at least two decimal places); for reading only."""
        whole, _, fraction = f"{self.pence_per_point / 100:.4f}".partition(".")
        return f"£{whole}.{fraction.rstrip('0').ljust(2, '0')}"


class RasQuestion(models.Model):
    scheme = models.ForeignKey(RasScheme, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_ras_question_code")]

    def __str__(self) -> str:
        return self.text


class RasAnswer(models.Model):
    question = models.ForeignKey(RasQuestion, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    points = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="unique_ras_answer_code")]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class IndicativeBudget(models.Model):
    """An indicative weekly budget worked out for a case from the scheme in force, with the answers
    given and the plain-English working (`breakdown`, CALCULATE.md lines). Never edited: working it
    out again adds a row; the latest is the one the plan is measured against."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="indicative_budgets")
    scheme = models.ForeignKey(RasScheme, on_delete=models.PROTECT, related_name="indicative_budgets")
    answers = models.JSONField()  # {question code: answer code}
    pa_share_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    total_points = models.PositiveIntegerField()
    core_weekly_pence = models.BigIntegerField()
    on_costs_weekly_pence = models.BigIntegerField()
    weekly_pence = models.BigIntegerField()
    breakdown = models.JSONField()
    calculated_on = models.DateField()
    calculated_at = models.DateTimeField()
    calculated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-calculated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(core_weekly_pence__gte=0, on_costs_weekly_pence__gte=0, weekly_pence__gte=0),
                name="indicative_budget_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"Indicative budget {self.weekly_pence}p for case {self.case_id}"


class SupportPlan(TimeStamped):
    """A care and support plan for a case: outcomes, costed lines, and who is paid.

    States (allowed moves in `plans.domain.workflow.PLAN_TRANSITIONS`):
    - DRAFT: being written by `author`, or returned for changes;
    - AT_PANEL: costs more than its budget; waiting for the funding panel (a team manager);
    - AWAITING_APPROVAL: every check passes; waiting for a second person to approve;
    - APPROVED: approved by `approved_by` (never the author); the personal budget was set from it;
    - SUPERSEDED: replaced by a later approved plan.
    `budget_limit_weekly_pence` is what the plan is measured against: the indicative budget, or the
    amount the funding panel agreed.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="support_plans")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    indicative_budget = models.ForeignKey(
        IndicativeBudget, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget_limit_weekly_pence = models.BigIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_reason = models.TextField(blank=True)
    checks = models.JSONField(default=list, blank=True)  # the checks as they stood when last sent or approved

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="unique_plan_version"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=OPEN_PLAN_STATUSES), name="one_open_plan_per_case"
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="plan_author_cannot_approve",
            ),
            models.CheckConstraint(
                condition=Q(budget_limit_weekly_pence__isnull=True) | Q(budget_limit_weekly_pence__gte=0),
                name="plan_budget_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Support plan {self.version} for case {self.case_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanOutcome(models.Model):
    """An outcome the person wants, and the assessed need it addresses (`need_code`)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="outcomes")
    need_code = models.CharField(max_length=40)
    need_label = models.CharField(max_length=200)
    outcome = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.outcome[:60]


class PlanPayee(models.Model):
    """Someone paid from the direct payment, usually a Personal Assistant.

    `person` and `relationship_record` link them to the people records when they are known there.
    A spouse or partner, or a close relative living in the same household, can be paid only when a
    team manager has recorded that it is necessary, with the reason (DP Regs 2014 reg 3): the
    `necessary_*` fields, all set together or all empty.
    """

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="payees")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    relationship_record = models.ForeignKey(
        "people.Relationship", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=40, choices=PayeeRelationship.choices)
    lives_in_same_household = models.BooleanField()
    necessary_reason = models.CharField(max_length=40, choices=NecessaryReason.choices, blank=True)
    necessary_purpose = models.CharField(max_length=40, choices=NecessaryPurpose.choices, blank=True)
    necessary_note = models.TextField(blank=True)
    necessary_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    necessary_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(necessary_reason="", necessary_purpose="", necessary_decided_at__isnull=True)
                    | (
                        ~Q(necessary_reason="")
                        & ~Q(necessary_purpose="")
                        & ~Q(necessary_note="")
                        & Q(necessary_decided_at__isnull=False, necessary_decided_by__isnull=False)
                    )
                ),
                name="payee_necessary_decision_complete",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_necessary_decision(self) -> bool:
        return bool(self.necessary_reason)


class PlanLine(models.Model):
    """A costed line of the plan. `quantity` and `unit_cost_pence` mean what the kind says (hours
    a week and an hourly rate, sessions a week, days or nights a year, nights of a stay, or 1 for a
    one-off or weekly amount); `weekly_cost_pence` (the weekly equivalent) and
    `one_off_cost_pence` are worked out by `plans.domain.costing` when the line is added, with the
    working kept in `cost_breakdown`."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=40, choices=LineKind.choices)
    category = models.CharField(max_length=40, choices=ItemCategory.choices)
    description = models.CharField(max_length=300)
    funding = models.CharField(max_length=20, choices=Funding.choices)
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    unit_cost_pence = models.BigIntegerField()
    starts_on = models.DateField(null=True, blank=True)  # care-home stays: [starts_on, ends_on)
    ends_on = models.DateField(null=True, blank=True)
    payee = models.ForeignKey(PlanPayee, null=True, blank=True, on_delete=models.PROTECT, related_name="lines")
    meets_outcomes = models.ManyToManyField(PlanOutcome, blank=True, related_name="lines")
    weekly_cost_pence = models.BigIntegerField()
    one_off_cost_pence = models.BigIntegerField(default=0)
    cost_breakdown = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost_pence__gt=0, weekly_cost_pence__gte=0, one_off_cost_pence__gte=0),
                name="plan_line_costs_not_negative",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="plan_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True, ends_on__isnull=True)
                | Q(starts_on__isnull=False, ends_on__gt=F("starts_on")),
                name="plan_line_stay_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class PanelDecision(models.Model):
    """The funding panel's decision on a plan costing more than its budget, always with reasons."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="panel_decisions")
    outcome = models.CharField(max_length=20, choices=PanelOutcome.choices)
    plan_cost_weekly_pence = models.BigIntegerField()
    indicative_weekly_pence = models.BigIntegerField()
    agreed_weekly_pence = models.BigIntegerField(null=True, blank=True)
    reasons = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome=PanelOutcome.REFUSED) & Q(agreed_weekly_pence__isnull=True))
                | (~Q(outcome=PanelOutcome.REFUSED) & Q(agreed_weekly_pence__gt=0)),
                name="panel_agreed_amount_iff_agreed",
            ),
            models.CheckConstraint(
                condition=Q(plan_cost_weekly_pence__gte=0, indicative_weekly_pence__gte=0),
                name="panel_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Panel {self.outcome} on plan {self.plan_id}"


class PersonalBudget(models.Model):
    """A case's personal budget from `effective_from` up to (not including) `effective_to`, or
    until further notice when `effective_to` is empty. Budgets of one case never overlap (a
    PostgreSQL exclusion constraint); a new budget from a date ends the one before it.

    `weekly_budget_pence` is the cost of meeting the needs (Care Act 2014 s.26; every line's weekly
    equivalent); `direct_payment_weekly_pence` is the direct-payment part of it;
    `direct_payment_regular_weekly_pence` is paid each week (no one-off items);
    `direct_payment_one_off_pence` is paid once (equipment). Never edited except to end it.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="personal_budgets")
    plan = models.ForeignKey(
        SupportPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="personal_budgets"
    )
    source = models.CharField(max_length=20, choices=BudgetSource.choices)
    weekly_budget_pence = models.BigIntegerField()
    direct_payment_weekly_pence = models.BigIntegerField()
    direct_payment_regular_weekly_pence = models.BigIntegerField()
    direct_payment_one_off_pence = models.BigIntegerField(default=0)
    council_arranged_weekly_pence = models.BigIntegerField(default=0)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    weekly_budget_pence__gte=0,
                    direct_payment_weekly_pence__gte=0,
                    direct_payment_regular_weekly_pence__gte=0,
                    direct_payment_one_off_pence__gte=0,
                    council_arranged_weekly_pence__gte=0,
                ),
                name="personal_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(direct_payment_weekly_pence__lte=F("weekly_budget_pence")),
                name="personal_budget_dp_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="personal_budget_ends_after_start",
            ),
            ExclusionConstraint(
                name="personal_budget_no_overlap",
                expressions=[
                    (DateRange("effective_from", "effective_to", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("case", RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"Budget {self.weekly_budget_pence}p a week for case {self.case_id} from {self.effective_from}"
