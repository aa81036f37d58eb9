from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from dp.core.errors import ValidationFailed
from dp.core.forms import GovukDateField, PoundsField
from dp.plans.constants import (
    Funding,
    ItemCategory,
    LineKind,
    NecessaryPurpose,
    NecessaryReason,
    PanelOutcome,
    PayeeRelationship,
)
from dp.plans.domain.ras_config import parse_answer_lines
from dp.plans.models import PlanOutcome, PlanPayee, RasQuestion

YES_NO = [("yes", "Yes"), ("no", "No")]


def _pounds(**kwargs: Any) -> PoundsField:
    """`PoundsField` without a maximum length: `dp.core.forms.PoundsField` sets one by default, and
    Django's length validator then fails on the cleaned value (an int of pence)."""
    return PoundsField(max_length=None, **kwargs)


def _decimal(label: str, *, help_text: str = "", max_digits: int = 8, places: int = 2, **kwargs: Any) -> forms.Field:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        max_digits=max_digits,
        decimal_places=places,
        min_value=Decimal(0),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class RasSchemeForm(forms.Form):
    name = forms.CharField(label="Name of the scheme", max_length=120, help_text="For example “Adults RAS 2026”")
    effective_from = GovukDateField(label="Takes effect from", help_text="Today or later, for example 6 4 2026")
    price_per_point = _decimal(
        "Price per point (£)", help_text="The weekly amount each point is worth, for example 4.50", places=4
    )
    holiday_pay_percent = _decimal(
        "Holiday pay for Personal Assistants (% of wages)", help_text="12.07 is the rate for irregular hours"
    )
    employer_ni_percent = _decimal(
        "Employer's National Insurance (% of pay)",
        help_text="0 where direct payment employers can claim the Employment Allowance",
    )
    pension_percent = _decimal("Workplace pension (% of pay)")
    insurance_weekly = _pounds(label="Employer's liability insurance a week (£)")
    reason = forms.CharField(label="Why is the scheme changing?", widget=forms.Textarea)

    def clean_price_per_point(self) -> Decimal:
        pounds = self.cleaned_data["price_per_point"]
        if pounds is not None and pounds <= 0:
            raise forms.ValidationError("Price per point must be more than £0")
        return pounds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("holiday_pay_percent", "employer_ni_percent", "pension_percent"):
            value = data.get(name)
            if value is not None and value > 100:
                self.add_error(name, "Enter a percentage from 0 to 100")
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "effective_from": data["effective_from"],
            "pence_per_point": data["price_per_point"] * 100,
            "holiday_pay_percent": data["holiday_pay_percent"],
            "employer_ni_percent": data["employer_ni_percent"],
            "pension_percent": data["pension_percent"],
            "insurance_weekly_pence": data["insurance_weekly"],
        }


class RasSchemeCreateForm(RasSchemeForm):
    copy_questions = forms.BooleanField(
        label="Copy the questions and answers of the scheme in force", required=False, initial=True
    )


class RasQuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=300)
    answers = forms.CharField(
        label="Answers",
        widget=forms.Textarea,
        help_text="One answer a line: the points, a comma, then the answer. For example “0, Manages without help”",
    )

    def clean_answers(self) -> list[tuple[int, str]]:
        try:
            return parse_answer_lines(self.cleaned_data["answers"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc


class IndicativeBudgetForm(forms.Form):
    """One question of radios for each question of the scheme, then the share bought by employing PAs."""

    def __init__(self, *args: Any, questions: list[RasQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text,
                choices=[
                    (a.code, f"{a.label} ({a.points} point{'s' if a.points != 1 else ''})")
                    for a in question.answers.all()
                ],
                widget=forms.RadioSelect,
            )
        self.fields["pa_share_percent"] = _decimal(
            "Share of the support to be bought by employing Personal Assistants (%)",
            help_text="0 if no Personal Assistants will be employed. Their employment costs are added on this share.",
            max_digits=5,
        )
        self.question_codes = [q.code for q in questions]

    def clean_pa_share_percent(self) -> Decimal:
        value = self.cleaned_data["pa_share_percent"]
        if value is not None and value > 100:
            raise forms.ValidationError("Enter a percentage from 0 to 100")
        return value

    def answers(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"q_{code}"] for code in self.question_codes}


class OutcomeForm(forms.Form):
    need_code = forms.ChoiceField(label="Which assessed need does it address?", choices=(), widget=forms.RadioSelect)
    outcome = forms.CharField(
        label="What does the person want to achieve?",
        widget=forms.Textarea,
        help_text="In their own words, for example “Get up and dressed by 9 so I can go to my group”",
    )

    def __init__(self, *args: Any, needs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_code"].choices = needs  # type: ignore[attr-defined]


class PayeeForm(forms.Form):
    who = forms.ChoiceField(label="Who will be paid?", choices=(), widget=forms.RadioSelect)
    name = forms.CharField(label="Their name (if not in the person's relationships)", required=False, max_length=200)
    relationship = forms.ChoiceField(
        label="How are they related to the person?", choices=PayeeRelationship.choices, widget=forms.RadioSelect
    )
    lives_in_same_household = forms.TypedChoiceField(
        label="Do they live in the same household as the person?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [*candidates, ("other", "Someone else")]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("who") == "other" and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the name of the person to be paid")
        return data


class NecessaryForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is it necessary to pay them?", choices=NecessaryReason.choices, widget=forms.RadioSelect
    )
    purpose = forms.ChoiceField(
        label="What will they be paid for?", choices=NecessaryPurpose.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Reasons for the decision", widget=forms.Textarea)


class LineKindForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of support is it?", choices=LineKind.choices, widget=forms.RadioSelect)


# (quantity label, quantity help, cost label) for each kind of line
LINE_LABELS: dict[str, tuple[str, str, str]] = {
    LineKind.PERSONAL_ASSISTANT: ("Hours a week", "For example 12.5", "Hourly wage (£)"),
    LineKind.CARE_AGENCY: ("Hours a week", "For example 7", "Agency's hourly rate (£)"),
    LineKind.DAY_OPPORTUNITY: ("Sessions a week", "", "Cost of a session (£)"),
    LineKind.SHORT_BREAK: ("Days a year", "", "Cost of a day (£)"),
    LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK: ("Nights a year", "", "Cost of a night (£)"),
    LineKind.CARE_HOME_SHORT_STAY: ("", "", "Cost of a night (£)"),
    LineKind.EQUIPMENT: ("", "", "Cost (£)"),
    LineKind.OTHER: ("", "", "Cost a week (£)"),
}


class PayeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanPayee) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.get_relationship_display().lower()})"


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PlanOutcome) -> str:  # type: ignore[override]
        return f"{obj.outcome[:120]} ({obj.need_label.lower()})"


class LineForm(forms.Form):
    description = forms.CharField(label="Describe the support", max_length=300)
    funding = forms.ChoiceField(
        label="How will it be delivered?",
        choices=[
            (Funding.DIRECT_PAYMENT, "Paid for by the direct payment"),
            (Funding.COUNCIL_ARRANGED, "Arranged by the council"),
        ],
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label="What does it pay for?", choices=ItemCategory.choices)
    quantity = _decimal("Quantity")
    starts_on = GovukDateField(label="First night of the stay")
    ends_on = GovukDateField(label="Day they leave")
    unit_cost = _pounds(label="Cost (£)")
    payee = PayeeChoiceField(
        label="Who will be paid? (optional)",
        queryset=PlanPayee.objects.none(),
        required=False,
        empty_label="Not named yet",
        help_text="Add people to be paid on the plan page first",
    )
    meets_outcomes = OutcomeChoiceField(
        label="Which outcomes does it meet?",
        queryset=PlanOutcome.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kind: str, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        quantity_label, quantity_help, cost_label = LINE_LABELS[kind]
        self.fields["unit_cost"].label = cost_label
        if quantity_label:
            self.fields["quantity"].label = quantity_label
            self.fields["quantity"].help_text = quantity_help
        else:
            del self.fields["quantity"]
        if kind != LineKind.OTHER:
            del self.fields["category"]
        if kind != LineKind.CARE_HOME_SHORT_STAY:
            del self.fields["starts_on"]
            del self.fields["ends_on"]
        if kind == LineKind.PERSONAL_ASSISTANT:
            self.fields["payee"].queryset = plan.payees.all()  # type: ignore[attr-defined]
        else:
            del self.fields["payee"]
        self.fields["meets_outcomes"].queryset = plan.outcomes.all()  # type: ignore[attr-defined]

    def clean_unit_cost(self) -> int:
        value = self.cleaned_data["unit_cost"]
        if value is not None and value <= 0:
            raise forms.ValidationError(f"{self.fields['unit_cost'].label} must be more than £0")
        return value

    def clean_quantity(self) -> Decimal:
        value = self.cleaned_data["quantity"]
        if value is not None and value <= 0:
            raise forms.ValidationError(f"{self.fields['quantity'].label} must be more than 0")
        return value

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "description": data["description"],
            "funding": data["funding"],
            "quantity": data.get("quantity") or Decimal(1),
            "unit_cost_pence": data["unit_cost"],
            "category": data.get("category", ""),
            "payee": data.get("payee"),
            "starts_on": data.get("starts_on"),
            "ends_on": data.get("ends_on"),
            "meets_outcomes": list(data["meets_outcomes"]),
        }


class PanelDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did the panel decide?", choices=PanelOutcome.choices, widget=forms.RadioSelect
    )
    agreed_weekly = _pounds(label="Weekly amount agreed (£), if a different amount", required=False)
    reasons = forms.CharField(label="The panel's reasons", widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == PanelOutcome.AGREED_DIFFERENT_AMOUNT and not data.get("agreed_weekly"):
            self.add_error("agreed_weekly", "Enter the weekly amount the panel agreed")
        return data


class ApproveForm(forms.Form):
    budget_effective_from = GovukDateField(
        label="The personal budget starts on",
        help_text="Any budget already in force ends the day before. For example 6 4 2026",
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label="What needs to change?", widget=forms.Textarea)
