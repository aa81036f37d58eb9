"""Forms for assessments. They shape input; the services give it meaning (and refuse it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from dp.assessments.constants import (
    EXCLUSION_ORDER_CHOICES,
    PREMIUM_CHOICES,
    AuthorisedBasis,
    CarerSupport,
    EligibilityRoute,
    OfferAnswer,
    OfferOccasion,
)
from dp.assessments.domain.charging import INCOME_TYPES
from dp.assessments.domain.financial import DRE_ITEMS, FinancialInputs
from dp.assessments.domain.needs import ADULT_UNABLE_MEANS, CARER_UNABLE_MEANS, NeedsKind, outcomes_for
from dp.assessments.models import FinancialAssessment, NeedsAssessment
from dp.core.forms import GovukDateField, PoundsField
from dp.people.models import Person

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known yet")]
YES_NO = [("yes", "Yes"), ("no", "No")]
STAY = "stay"


def pounds(**kwargs: Any) -> PoundsField:
    """An amount in pounds (cleans to pence). `PoundsField`'s default maximum length would be checked
    against the cleaned number of pence, so it is switched off; the amounts are validated as money."""
    return PoundsField(max_length=None, **kwargs)


def _to_choice(value: object) -> str:
    return "yes" if value is True else "no" if value is False else "unknown"


def tri_state(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A yes / no / not known yet question; cleans to True, False or None (not answered is None)."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"small": True}),
        help_text=help_text,
    )


class OfferForm(forms.Form):
    occasion = forms.ChoiceField(
        label="When were direct payments offered?", choices=OfferOccasion.choices, widget=forms.RadioSelect
    )
    offered_on = GovukDateField(label="Date offered", help_text="For example, 27 3 2026")
    answer = forms.ChoiceField(label="What did the person say?", choices=OfferAnswer.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="For example why they would rather the council arranged their support",
    )


class EligibilityForm(forms.Form):
    decided_on = GovukDateField(label="Date of the decision", help_text="For example, 27 3 2026")
    route = forms.ChoiceField(
        label="Which route is the request under?", choices=EligibilityRoute.choices, widget=forms.RadioSelect
    )
    related_person = forms.TypedChoiceField(
        label="Nominated person, authorised person, parent or child (if any)",
        choices=(),
        coerce=int,
        empty_value=None,
        required=False,
        help_text="People in a current relationship with this person. Add a relationship on their record if "
        "someone is missing.",
    )
    needs_to_be_met_by_council = tri_state(
        "Is there a personal budget with an amount the council must pay (or, for a child, a decision that the "
        "child's needs call for a service)?"
    )
    requested = tri_state("Have direct payments been asked for (or, for a child, consented to)?")
    resident_in_area = tri_state("Does the person live in the council's area?")
    excluded_by_criminal_justice_order = tri_state(
        "Is the person subject to a criminal-justice drug or alcohol requirement?",
        "For example a drug rehabilitation requirement or an alcohol treatment requirement. Choose the order below.",
    )
    exclusion_order = forms.ChoiceField(
        label="Which order or requirement? (only if they are subject to one)",
        choices=[("", "Not subject to one"), *EXCLUSION_ORDER_CHOICES],
        required=False,
    )
    capable_of_managing = tri_state(
        "Can the person receiving the payments manage them, alone or with help they can get?"
    )
    appropriate_way_to_meet_needs = tri_state("Are direct payments an appropriate way to meet the needs?")
    has_capacity = tri_state("Does the person have capacity to ask for direct payments?")
    has_nominee = forms.TypedChoiceField(
        label="Has the person nominated someone to receive the payments for them?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=False,  # type: ignore[arg-type]
        required=False,
        widget=forms.RadioSelect(attrs={"small": True}),
    )
    nominee_agrees = tri_state("Does the nominated person agree to receive the payments?")
    authorised_person_basis = forms.ChoiceField(
        label="On what basis is the requester an authorised person? (adults who lack capacity)",
        choices=AuthorisedBasis.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"small": True}),
    )
    mca_authorised_person_exists = tri_state("Does the adult have an attorney (lasting power of attorney) or a deputy?")
    mca_authorised_person_supports = tri_state("Does the attorney or deputy support the request?")
    will_act_in_best_interests = tri_state("Will the authorised person act in the adult's best interests?")
    has_parental_responsibility = tri_state("Does the requester have parental responsibility for the child?")
    child_is_disabled = tri_state("Is the child disabled?")
    requester_is_disabled = tri_state("Is the requester disabled (a disabled parent, or a disabled young person)?")
    notes = forms.CharField(
        label="Reasons and notes (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="Anything the person should be told about the decision. This goes in any refusal letter.",
    )

    FACT_FIELDS = (
        "needs_to_be_met_by_council",
        "requested",
        "resident_in_area",
        "excluded_by_criminal_justice_order",
        "exclusion_order",
        "capable_of_managing",
        "appropriate_way_to_meet_needs",
        "has_capacity",
        "has_nominee",
        "nominee_agrees",
        "authorised_person_basis",
        "mca_authorised_person_exists",
        "mca_authorised_person_supports",
        "will_act_in_best_interests",
        "has_parental_responsibility",
        "child_is_disabled",
        "requester_is_disabled",
    )

    YES_NO_FIELDS = frozenset(FACT_FIELDS) - {"exclusion_order", "authorised_person_basis"}

    def __init__(
        self,
        *args: Any,
        related: list[tuple[Person, str]] = (),  # type: ignore[assignment]
        suggested: Mapping[str, object] | None = None,
        evidence: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["related_person"].choices = [  # type: ignore[attr-defined]
            ("", "No one"),
            *[(str(p.pk), f"{p.full_name} ({how})") for p, how in related],
        ]
        self.related_people = {p.pk: p for p, _ in related}
        for name, value in (suggested or {}).items():
            if name not in self.fields:
                continue
            if name in self.YES_NO_FIELDS:
                self.initial[name] = _to_choice(value)
            else:
                self.initial[name] = str(value) if value is not None else ""
        for name, text in (evidence or {}).items():
            if name in self.fields and text:
                self.fields[name].help_text = f"From the record: {text}."

    def facts(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.FACT_FIELDS}

    def related_person_obj(self) -> Person | None:
        pk = self.cleaned_data.get("related_person")
        return self.related_people.get(pk) if pk is not None else None


class NeedsForm(forms.Form):
    assessed_on = GovukDateField(label="Date of the assessment", help_text="For example, 27 3 2026")
    needs_description = forms.CharField(
        label="The person's needs",
        widget=forms.Textarea,
        help_text="What they need help with, and how their needs affect their day-to-day life",
    )
    personal_outcomes = forms.CharField(
        label="What matters to them (their own outcomes)",
        widget=forms.Textarea,
        required=False,
        help_text="In their own words: what a good day looks like, what they want to be able to do",
    )
    arises_from_condition = tri_state(
        "Do the needs arise from or relate to a physical or mental impairment or illness?"
    )
    outcomes_not_achieved = forms.MultipleChoiceField(
        label="Which outcomes are they unable to achieve?",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    carer_health_at_risk = tri_state("Is the carer's physical or mental health, or at risk of, deteriorating?")
    significant_impact = tri_state(
        "As a result, is there, or is there likely to be, a significant impact on their well-being?"
    )
    child_needs_call_for_service = tri_state("Has the council decided that the child's needs call for a service?")
    carer_support = forms.ChoiceField(
        label="Is anyone caring for them, and were they offered an assessment of their own needs?",
        choices=CarerSupport.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"small": True}),
        help_text="Carers have a right to an assessment of their own needs (Care Act s.10)",
    )

    def __init__(self, *args: Any, kind: str, instance: NeedsAssessment | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "assessed_on": instance.assessed_on,
                    "needs_description": instance.needs_description,
                    "personal_outcomes": instance.personal_outcomes,
                    "arises_from_condition": _to_choice(instance.arises_from_condition),
                    "outcomes_not_achieved": instance.outcomes_not_achieved,
                    "carer_health_at_risk": _to_choice(instance.carer_health_at_risk),
                    "significant_impact": _to_choice(instance.significant_impact),
                    "child_needs_call_for_service": _to_choice(instance.child_needs_call_for_service),
                    "carer_support": instance.carer_support,
                },
            )
        super().__init__(*args, **kwargs)
        kind = NeedsKind(kind)
        outcomes = outcomes_for(kind)
        if kind is NeedsKind.CHILD:
            for name in (
                "arises_from_condition",
                "outcomes_not_achieved",
                "carer_health_at_risk",
                "significant_impact",
            ):
                del self.fields[name]
            del self.fields["carer_support"]
            return
        del self.fields["child_needs_call_for_service"]
        means = ADULT_UNABLE_MEANS if kind is NeedsKind.ADULT else CARER_UNABLE_MEANS
        field = self.fields["outcomes_not_achieved"]
        field.choices = list(outcomes.items())  # type: ignore[attr-defined]
        field.help_text = "Tick each one they are unable to achieve, which means they " + "; or ".join(means) + "."
        if kind is NeedsKind.ADULT:
            del self.fields["carer_health_at_risk"]
        else:
            del self.fields["carer_support"]
            self.fields[
                "arises_from_condition"
            ].label = "Do the needs arise as a consequence of providing necessary care for an adult?"
            self.fields[
                "significant_impact"
            ].label = "As a result, is there, or is there likely to be, a significant impact on the carer's well-being?"

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.setdefault("outcomes_not_achieved", [])
        return data


class NeedsCompleteForm(forms.Form):
    offer_answer = forms.ChoiceField(
        label="Direct payments were offered as the first option: what did the person say?",
        choices=(),
        widget=forms.RadioSelect,
    )
    offer_notes = forms.CharField(label="Notes about the offer (optional)", widget=forms.Textarea, required=False)
    move_case_to = forms.ChoiceField(label="What happens to the case next?", choices=(), widget=forms.RadioSelect)

    def __init__(self, *args: Any, eligible: bool | None, next_statuses: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        answers = list(OfferAnswer.choices)
        if eligible is False:
            answers.append(("none", "Not offered: the needs are not eligible"))
        self.fields["offer_answer"].choices = answers  # type: ignore[attr-defined]
        self.fields["move_case_to"].choices = [  # type: ignore[attr-defined]
            *[(s, f"Move the case to “{label}”") for s, label in next_statuses],
            (STAY, "Leave the case where it is"),
        ]


class FinancialCompleteForm(forms.Form):
    move_case_to = forms.ChoiceField(label="What happens to the case next?", choices=(), widget=forms.RadioSelect)

    def __init__(self, *args: Any, next_statuses: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["move_case_to"].choices = [  # type: ignore[attr-defined]
            *[(s, f"Move the case to “{label}”") for s, label in next_statuses],
            (STAY, "Leave the case where it is"),
        ]


DISREGARD_ROWS = 3


class FinancialForm(forms.Form):
    """The officer's record. Income and disability-related costs are one optional weekly amount per
    type; up to three further disregards with their reasons."""

    assessed_on = GovukDateField(
        label="Date of the assessment",
        help_text="The national figures in force on this date are used. For example, 27 3 2026",
    )
    effective_from = GovukDateField(
        label="Contribution starts on (optional)",
        required=False,
        help_text="Leave blank to start on the date of the assessment",
    )
    cost_of_care = pounds(
        label="Weekly cost of the care and support (£)", help_text="The personal budget, or the indicative amount"
    )
    couple = forms.ChoiceField(
        label="Is the person a member of a couple?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"small": True}),
        initial="no",
        help_text="Couples have the couple rates of the Minimum Income Guarantee",
    )
    dependent_children = forms.IntegerField(
        label="Dependent children in the household", min_value=0, max_value=30, initial=0, required=False
    )
    premiums = forms.MultipleChoiceField(
        label="Premiums the person qualifies for",
        choices=PREMIUM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Received, or would be received if they were on Income Support (Charging Regulations reg 7)",
    )
    pension_credit_age = forms.ChoiceField(
        label="Has the person reached Pension Credit age?",
        choices=[("age", "Work it out from their age (66 or over)"), ("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect(attrs={"small": True}),
        initial="age",
    )
    capital_sole = pounds(
        label="Capital in the person's own name (£)",
        required=False,
        help_text="Savings, shares, property other than their home",
    )
    capital_joint_total = pounds(
        label="Capital held jointly, in total (£)", required=False, help_text="The person's equal share is counted"
    )
    capital_joint_owners = forms.IntegerField(
        label="Number of joint owners, including the person", min_value=2, max_value=20, initial=2, required=False
    )
    housing_costs = pounds(
        label="Weekly housing costs (£)",
        required=False,
        help_text="Rent, mortgage, council tax and service charges, after Housing Benefit and Council Tax Reduction",
    )
    dre_basis = forms.ChoiceField(
        label="Disability-related expenditure",
        choices=[
            ("standard", "Use the council's standard allowance"),
            ("itemised", "Itemise the person's costs below"),
        ],
        widget=forms.RadioSelect(attrs={"small": True}),
        initial="standard",
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, instance: FinancialAssessment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in INCOME_TYPES.items():
            self.fields[f"income_{code}"] = pounds(label=f"{label} (£ a week)", required=False)
        for index in range(DISREGARD_ROWS):
            self.fields[f"disregard_{index}_reason"] = forms.CharField(
                label=f"Further disregard {index + 1}: reason", required=False, max_length=200
            )
            self.fields[f"disregard_{index}_amount"] = pounds(
                label=f"Further disregard {index + 1}: £ a week", required=False
            )
        for code, label in DRE_ITEMS.items():
            self.fields[f"dre_{code}"] = pounds(label=f"{label} (£ a week)", required=False)
        if instance is not None and not self.is_bound:
            self.initial.update(_initial_from(instance))

    @property
    def income_fields(self) -> list[forms.BoundField]:
        return [self[f"income_{code}"] for code in INCOME_TYPES]

    @property
    def disregard_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"disregard_{i}_reason"], self[f"disregard_{i}_amount"]) for i in range(DISREGARD_ROWS)]

    @property
    def dre_fields(self) -> list[forms.BoundField]:
        return [self[f"dre_{code}"] for code in DRE_ITEMS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(DISREGARD_ROWS):
            reason, amount = data.get(f"disregard_{index}_reason"), data.get(f"disregard_{index}_amount")
            if amount and not (reason or "").strip():
                self.add_error(f"disregard_{index}_reason", "Enter why this amount is disregarded")
            if (reason or "").strip() and amount is None:
                self.add_error(f"disregard_{index}_amount", "Enter the weekly amount disregarded")
        return data

    def inputs(self) -> FinancialInputs:
        data = self.cleaned_data
        itemised = data["dre_basis"] == "itemised"
        return FinancialInputs(
            cost_of_care_weekly_pence=data["cost_of_care"],
            income=[(code, data[f"income_{code}"]) for code in INCOME_TYPES if data.get(f"income_{code}")],
            disregards=[
                (data[f"disregard_{i}_reason"].strip(), data[f"disregard_{i}_amount"])
                for i in range(DISREGARD_ROWS)
                if data.get(f"disregard_{i}_amount")
            ],
            capital_sole_pence=data.get("capital_sole") or 0,
            capital_joint_total_pence=data.get("capital_joint_total") or 0,
            capital_joint_owners=data.get("capital_joint_owners") or 2,
            housing_costs_weekly_pence=data.get("housing_costs") or 0,
            dre_itemised=itemised,
            dre_items=[(code, data[f"dre_{code}"]) for code in DRE_ITEMS if itemised and data.get(f"dre_{code}")],
            couple=data["couple"] == "yes",
            dependent_children=data.get("dependent_children") or 0,
            premiums=list(data.get("premiums") or []),
            pension_credit_age={"yes": True, "no": False}.get(data["pension_credit_age"]),
        )

    def dates(self) -> tuple[dt.date, dt.date | None]:
        return self.cleaned_data["assessed_on"], self.cleaned_data.get("effective_from")


def _initial_from(assessment: FinancialAssessment) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "assessed_on": assessment.assessed_on,
        "effective_from": assessment.effective_from if assessment.effective_from != assessment.assessed_on else None,
        "cost_of_care": assessment.cost_of_care_weekly_pence,
        "couple": "yes" if assessment.couple else "no",
        "dependent_children": assessment.dependent_children,
        "premiums": list(assessment.premiums),
        "pension_credit_age": _to_choice(assessment.pension_credit_age).replace("unknown", "age"),
        "capital_sole": assessment.capital_sole_pence or None,
        "capital_joint_total": assessment.capital_joint_total_pence or None,
        "capital_joint_owners": assessment.capital_joint_owners,
        "housing_costs": assessment.housing_costs_weekly_pence or None,
        "dre_basis": "itemised" if assessment.dre_itemised else "standard",
        "notes": assessment.notes,
    }
    for item in assessment.income:
        initial[f"income_{item['type']}"] = item["weekly_pence"]
    for index, disregard in enumerate(assessment.disregards[:DISREGARD_ROWS]):
        initial[f"disregard_{index}_reason"] = disregard["reason"]
        initial[f"disregard_{index}_amount"] = disregard["weekly_pence"]
    for item in assessment.dre_items:
        initial[f"dre_{item['item']}"] = item["weekly_pence"]
    return initial


class NationalFigureForm(forms.Form):
    amount = pounds(label="Amount (£)")
    source = forms.CharField(
        label="Where does the figure come from?",
        max_length=300,
        help_text="For example: LAC(DHSC)(2026)1, annex A, or the amending regulations' number",
    )


class UpratingStartForm(forms.Form):
    target_on = GovukDateField(
        label="Uprate to the national figures in force on",
        help_text="Usually the first day of the new rates year. For example, 1 4 2026",
    )
