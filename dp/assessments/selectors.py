"""Reads for assessments: national figures (shipped tables plus administrator-entered gaps), the
council's charging policy, what the case page shows, facts to prefill an eligibility decision,
and the annual uprating's batches and rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import models
from django.db.models import QuerySet

from dp.assessments.constants import FinancialStatus, OfferAnswer
from dp.assessments.domain.benefit_uprating import BenefitRates, load_benefit_rates
from dp.assessments.domain.charging import ChargingPolicy
from dp.assessments.domain.eligibility_facts import RecordFacts, RelatedPerson
from dp.assessments.domain.national_figures import (
    CHARGING_FIGURE_LABELS,
    MINIMUM_WAGE_FIGURE_LABELS,
    MinimumWageRates,
    NationalFigures,
    NationalFigureTables,
    figures_for,
    load_national_figure_tables,
    minimum_wage_for,
    with_entered_figures,
)
from dp.assessments.models import (
    DirectPaymentOffer,
    EligibilityDecision,
    FinancialAssessment,
    NationalFigureEntry,
    NeedsAssessment,
    UpratingBatch,
    UpratingItem,
)
from dp.assessments.policy import (
    CAPITAL_LOWER,
    CAPITAL_UPPER,
    LOCAL_MIG,
    MINIMUM_CHARGE,
    STANDARD_DRE,
    TAPER,
    UPRATING_SECOND_OFFICER,
)
from dp.cases.models import Case
from dp.core.domain.breakdown import format_date
from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.people.access import people_visible_to
from dp.people.models import Person, Relationship
from dp.staff.models import User


@cache
def shipped_tables() -> NationalFigureTables:
    return load_national_figure_tables()


@cache
def shipped_benefit_rates() -> dict[str, BenefitRates]:
    """The national benefit rates shipped with the system (RULES.md §7), by rates year."""
    return load_benefit_rates()


def _entered(table: str, rates_year: str) -> dict[str, int]:
    entered: dict[str, int] = {}
    for name, amount in (
        NationalFigureEntry.objects.filter(table=table, rates_year=rates_year)
        .order_by("name", "-entered_at")
        .values_list("name", "amount_pence")
    ):
        entered.setdefault(name, amount)
    return entered


def national_figures_on(on: dt.date) -> NationalFigures:
    figures = figures_for(on, shipped_tables())
    entered = {k: v for k, v in _entered("charging", figures.rates_year).items() if getattr(figures, k) is None}
    return with_entered_figures(figures, entered) if entered else figures


def minimum_wage_on(on: dt.date) -> MinimumWageRates:
    rates = minimum_wage_for(on, shipped_tables())
    entered = _entered("minimum_wage", rates.rates_year)
    if not entered:
        return rates
    from dataclasses import replace

    return replace(rates, **{k: v for k, v in entered.items() if getattr(rates, k) is None})  # type: ignore[arg-type]


def _optional(key: str, on: dt.date) -> int | None:
    try:
        return int(policy_value_get(key, on=on))
    except PolicyMissing:
        return None


def council_charging_policy(on: dt.date) -> ChargingPolicy:
    """The council's charging policy in force on `on`; unset parameters take the national default."""
    taper = _optional(TAPER.key, on)
    return ChargingPolicy(
        minimum_income_guarantee_weekly_pence=_optional(LOCAL_MIG.key, on),
        taper_percent=Decimal(100 if taper is None else taper),
        minimum_charge_weekly_pence=_optional(MINIMUM_CHARGE.key, on) or 0,
        capital_lower_limit_pence=_optional(CAPITAL_LOWER.key, on),
        capital_upper_limit_pence=_optional(CAPITAL_UPPER.key, on),
        standard_disability_related_expenditure_weekly_pence=_optional(STANDARD_DRE.key, on) or 0,
    )


def uprating_needs_second_officer(on: dt.date) -> bool:
    """Whether the officer who started an uprating is barred from approving it (yes until set)."""
    try:
        return bool(policy_value_get(UPRATING_SECOND_OFFICER.key, on=on))
    except PolicyMissing:
        return True


# Records for the case page and forms ------------------------------------------------------------


@dataclass(frozen=True)
class CaseAssessments:
    """What the case page shows about eligibility, needs and the contribution."""

    eligibility: EligibilityDecision | None
    needs: NeedsAssessment | None
    offer: DirectPaymentOffer | None
    financial: FinancialAssessment | None
    financial_draft: FinancialAssessment | None


def case_assessments(case: Case) -> CaseAssessments:
    return CaseAssessments(
        eligibility=EligibilityDecision.objects.filter(case=case)
        .select_related("decided_by")
        .order_by("-decided_on", "-id")
        .first(),
        needs=NeedsAssessment.objects.filter(case=case).order_by("-assessed_on", "-id").first(),
        offer=DirectPaymentOffer.objects.filter(case=case).order_by("-offered_on", "-id").first(),
        financial=FinancialAssessment.objects.filter(case=case).filter(is_current=True).first(),
        financial_draft=FinancialAssessment.objects.filter(case=case)
        .filter(status=FinancialStatus.DRAFT)
        .order_by("-id")
        .first(),
    )


def financial_assessment_current(case: Case) -> FinancialAssessment | None:
    """The case's latest completed financial assessment (which may start in the future)."""
    return FinancialAssessment.objects.filter(case=case).filter(is_current=True).first()


def contribution_on(case: Case, on: dt.date) -> FinancialAssessment | None:
    """The completed assessment whose contribution applies on `on` (the latest to start by then)."""
    return (
        FinancialAssessment.objects.filter(case=case)
        .filter(status=FinancialStatus.COMPLETED, effective_from__lte=on)
        .order_by("-effective_from", "-completed_at", "-id")
        .first()
    )


def related_people(person: Person) -> list[tuple[Person, str]]:
    """The people in a current relationship with `person`, with how they are related (for choosing
    a nominated person, authorised person, parent or child)."""
    rows: list[tuple[Person, str]] = []
    for rel in (
        Relationship.objects.filter(to_person=person, ended_on__isnull=True)
        .select_related("from_person")
        .order_by("kind", "from_person__family_name")
    ):
        rows.append((rel.from_person, f"{rel.get_kind_display().lower()} {person.known_as}"))
    for rel in (
        Relationship.objects.filter(from_person=person, ended_on__isnull=True)
        .select_related("to_person")
        .order_by("kind", "to_person__family_name")
    ):
        rows.append((rel.to_person, f"{person.known_as} is {rel.get_kind_display().lower()} them"))
    return rows


def eligibility_record_facts(case: Case, *, on: dt.date) -> RecordFacts:
    """What the person's record says, for prefilling the direct payment decision."""
    from dp.cases.services import lives_in_area

    person = case.person
    capacity = person.capacity_assessments.select_related("assessed_by").first()
    in_area = lives_in_area(person)
    offer = DirectPaymentOffer.objects.filter(case=case).order_by("-offered_on", "-id").first()
    related = [
        RelatedPerson(
            person_id=rel.from_person_id,
            name=rel.from_person.full_name,
            kind=rel.kind,
            age=rel.from_person.age(on),
            authority_basis=rel.authority_basis,
        )
        for rel in Relationship.objects.filter(to_person=person, ended_on__isnull=True)
        .select_related("from_person")
        .order_by("-started_on", "id")
    ]
    requested: bool | None = None
    if offer is not None and offer.answer in (OfferAnswer.ACCEPTED, OfferAnswer.DECLINED):
        requested = offer.answer == OfferAnswer.ACCEPTED
    return RecordFacts(
        case_type=case.case_type,
        age=person.age(on),
        has_capacity=capacity.has_capacity if capacity else None,
        capacity_evidence=(
            f"Capacity assessment of {format_date(capacity.assessed_on)} by {capacity.assessed_by.display_name}: "
            f"{'has' if capacity.has_capacity else 'lacks'} capacity"
            if capacity
            else ""
        ),
        resident_in_area=in_area,
        residence_evidence=(
            f"Postcode {person.postcode} is {'in' if in_area else 'outside'} the council's area"
            if in_area is not None
            else ""
        ),
        requested=requested,
        request_evidence=(
            f"Offered on {format_date(offer.offered_on)}: {offer.get_answer_display().lower()}"
            if requested is not None and offer is not None
            else ""
        ),
        related=related,
    )


# National figures page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    name: str
    label: str
    shipped_pence: int | None
    entered: NationalFigureEntry | None
    corrections: int

    @property
    def amount_pence(self) -> int | None:
        if self.shipped_pence is not None:
            return self.shipped_pence
        return self.entered.amount_pence if self.entered else None

    @property
    def missing(self) -> bool:
        return self.amount_pence is None


@dataclass(frozen=True)
class FigureYear:
    table: str
    rates_year: str
    effective_from: dt.date
    sources: tuple[str, ...]
    rows: list[FigureRow]

    @property
    def missing_count(self) -> int:
        return sum(1 for r in self.rows if r.missing)

    @property
    def slug(self) -> str:
        return self.rates_year.replace("/", "-")


def national_figure_years() -> list[FigureYear]:
    """Every rates year of both tables, newest first, each figure shipped, entered or missing."""
    entered: dict[tuple[str, str, str], list[NationalFigureEntry]] = {}
    for entry in NationalFigureEntry.objects.select_related("entered_by").order_by("-entered_at", "-id"):
        entered.setdefault((entry.table, entry.rates_year, entry.name), []).append(entry)
    tables = shipped_tables()
    years: list[FigureYear] = []
    shipped_years: list[tuple[str, Sequence[NationalFigures | MinimumWageRates], Mapping[str, str]]] = [
        ("charging", tables.charging, CHARGING_FIGURE_LABELS),
        ("minimum_wage", tables.minimum_wage, MINIMUM_WAGE_FIGURE_LABELS),
    ]
    for table, entries, labels in shipped_years:
        for shipped in reversed(entries):
            rows = []
            for name, label in labels.items():
                history = entered.get((table, shipped.rates_year, name), [])
                rows.append(
                    FigureRow(
                        name=name,
                        label=label[:1].upper() + label[1:],
                        shipped_pence=getattr(shipped, name),
                        entered=history[0] if history else None,
                        corrections=max(0, len(history) - 1),
                    )
                )
            years.append(FigureYear(table, shipped.rates_year, shipped.effective_from, shipped.sources, rows))
    return years


def charging_year_starts() -> list[dt.date]:
    return [entry.effective_from for entry in shipped_tables().charging]


# Annual uprating -------------------------------------------------------------------------------------


def uprating_batches() -> QuerySet[UpratingBatch]:
    return UpratingBatch.objects.select_related("created_by", "approved_by").order_by("-created_at", "-id")


def uprating_items(batch: UpratingBatch, *, user: User) -> QuerySet[UpratingItem]:
    """The batch's rows for people the user may see, failures first, then by name."""
    return (
        batch.items.filter(assessment__person__in=people_visible_to(user))
        .select_related("assessment__person", "assessment__case")
        .order_by(
            models.F("new_weekly_contribution_pence").asc(nulls_first=True), "assessment__person__family_name", "id"
        )
    )


@dataclass(frozen=True)
class ErrorGroup:
    message: str
    count: int


def uprating_error_groups(batch: UpratingBatch) -> list[ErrorGroup]:
    rows = batch.items.exclude(error="").values("error").annotate(count=models.Count("id")).order_by("-count", "error")
    return [ErrorGroup(row["error"], row["count"]) for row in rows]
