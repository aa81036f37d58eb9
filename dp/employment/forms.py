"""Forms for PAs' pay and money owed: input shape only; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from dp.core.forms import GovukDateField, PoundsField
from dp.employment.constants import CommitmentKind, PaySource
from dp.plans.models import PlanPayee


class PayeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (number {obj.pk}, support plan version {obj.plan.version})"


class HoursField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=7,
            decimal_places=2,
            min_value=Decimal("0.01"),
            error_messages={
                "invalid": "Enter the hours worked as a number, like 37.5",
                "max_decimal_places": "Hours worked may have at most two decimal places",
                "max_digits": "Enter fewer hours",
                "max_whole_digits": "Enter fewer hours",
                "min_value": "Hours worked must be more than 0",
                "required": "Enter the hours worked",
            },
            **kwargs,
        )


class _PayFigures(forms.Form):
    hours_worked = HoursField(label="Hours worked in the period")
    gross_pay_pence = PoundsField(label="Gross pay for those hours", error_messages={"required": "Enter the gross pay"})
    pa_date_of_birth = GovukDateField(
        label="Personal Assistant's date of birth",
        help_text="For the minimum wage for their age, for example 27 3 1990",
        error_messages={"required": "Enter the Personal Assistant's date of birth"},
    )
    apprentice_first_year = forms.BooleanField(
        label="The Personal Assistant is in the first year of an apprenticeship", required=False
    )


class PayRecordForm(_PayFigures):
    payee = PayeeChoiceField(
        label="Personal Assistant",
        queryset=PlanPayee.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the Personal Assistant"},
    )
    period_start_on = GovukDateField(
        label="First day of the pay period", error_messages={"required": "Enter the first day of the pay period"}
    )
    period_last_on = GovukDateField(
        label="Last day of the pay period", error_messages={"required": "Enter the last day of the pay period"}
    )
    worked_on = GovukDateField(
        label="Day the pay is judged on (optional)",
        required=False,
        help_text="The minimum wage rates and the PA's age on this day are used; leave it empty for the last day",
    )
    source = forms.ChoiceField(
        label="Where do the hours and pay come from?",
        choices=PaySource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the hours and pay come from"},
    )
    field_order = [
        "payee",
        "period_start_on",
        "period_last_on",
        "hours_worked",
        "gross_pay_pence",
        "pa_date_of_birth",
        "apprentice_first_year",
        "worked_on",
        "source",
    ]

    def __init__(self, *args: Any, payees: list[PlanPayee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["payee"]
        assert isinstance(field, PayeeChoiceField)
        field.queryset = PlanPayee.objects.filter(pk__in=[p.pk for p in payees]).select_related("plan")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, last = data.get("period_start_on"), data.get("period_last_on")
        if isinstance(start, dt.date) and isinstance(last, dt.date) and last < start:
            self.add_error("period_last_on", "The last day of the pay period must be on or after its first day")
        elif last == dt.date.max:  # stored half-open: the day after must exist
            self.add_error("period_last_on", "This is not a pay period's last day: enter the last day worked")
        return data


class PayCorrectForm(_PayFigures):
    worked_on = GovukDateField(
        label="Day the pay is judged on", error_messages={"required": "Enter the day the pay is judged on"}
    )
    reason = forms.CharField(
        label="Why is it corrected?", widget=forms.Textarea, error_messages={"required": "Say why it is corrected"}
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?", widget=forms.Textarea, error_messages={"required": "Say why it is withdrawn"}
    )


class PayrollFileForm(forms.Form):
    file = forms.FileField(
        label="Payroll bureau file (CSV)",
        help_text="One line per Personal Assistant per pay period, in the layout described below",
        error_messages={"required": "Select the payroll file", "empty": "The selected file is empty"},
    )


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is the money owed for?",
        choices=CommitmentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the money is owed for"},
    )
    amount_pence = PoundsField(label="Amount owed", error_messages={"required": "Enter the amount owed"})
    owed_to = forms.CharField(
        label="Who is it owed to?",
        max_length=200,
        help_text="For example, the Personal Assistant's name, HMRC or the agency",
        error_messages={"required": "Enter who the money is owed to"},
    )
    due_on = GovukDateField(label="When is it due?", error_messages={"required": "Enter when it is due"})
    reference = forms.CharField(label="Reference (optional)", max_length=100, required=False)
    evidence_note = forms.CharField(
        label="Evidence (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, the March payslip shows £420 unpaid; invoice seen on the visit",
    )


class SettleForm(forms.Form):
    settled_on = GovukDateField(label="Date it was paid", error_messages={"required": "Enter the date it was paid"})
