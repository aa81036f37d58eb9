"""Forms for monitoring pages: input shape only (the services check the meaning)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from dp.core.forms import GovukDateField, PoundsField
from dp.monitoring.constants import RuleMatch, SpendCategoryChoice, StatementFormatChoice, TransactionStatus
from dp.monitoring.models import ColumnMappingProfile
from dp.plans.models import PlanLine

ENCODINGS = [
    ("", "As the format says (UTF-8 for CSV files)"),
    ("windows-1252", "Windows-1252 (older Windows exports)"),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("utf-8", "UTF-8"),
]


class MappingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ColumnMappingProfile) -> str:  # type: ignore[override]
        return obj.provider


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label="Statement file",
        help_text="A card provider's transaction file, or a bank statement (CSV, OFX, CAMT.053 XML or MT940)",
        error_messages={"required": "Select the statement file", "empty": "The selected file is empty"},
    )
    statement_format = forms.ChoiceField(
        label="What format is the file?",
        choices=StatementFormatChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the format of the file"},
    )
    mapping = MappingChoiceField(
        label="Provider's column layout",
        queryset=ColumnMappingProfile.objects.all(),
        required=False,
        empty_label="Not needed (not a provider's own CSV layout)",
        help_text="Only for a card provider's own CSV layout",
    )
    encoding = forms.ChoiceField(
        label="Text encoding",
        choices=ENCODINGS,
        required=False,
        help_text="Only for bank CSV and MT940 files that are not UTF-8",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("statement_format") == StatementFormatChoice.MAPPED_CSV and not data.get("mapping"):
            self.add_error("mapping", "Select the provider whose column layout the file uses")
        return data


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class ColumnMappingForm(forms.Form):
    """A provider's CSV layout: which column holds each field (column names as in the file's header)."""

    provider = forms.CharField(label="Provider's name", max_length=120)
    posted_on = forms.CharField(label="Date column", max_length=100)
    date_formats = forms.CharField(
        label="Date formats",
        max_length=200,
        initial="%d/%m/%Y",
        help_text="As Python writes them, separated by commas, for example %d/%m/%Y, %Y-%m-%d",
    )
    amount = forms.CharField(
        label="Amount column (if one column holds money in and out)", max_length=100, required=False
    )
    amount_sign = forms.ChoiceField(
        label="In the amount column, money out is",
        choices=[("negative_is_money_out", "Negative"), ("positive_is_money_out", "Positive")],
        widget=forms.RadioSelect,
        initial="negative_is_money_out",
    )
    money_out = forms.CharField(label="Money out column", max_length=100, required=False)
    money_in = forms.CharField(label="Money in column", max_length=100, required=False)
    description = forms.CharField(
        label="Description columns", max_length=300, required=False, help_text="Separated by commas"
    )
    merchant = forms.CharField(label="Merchant column", max_length=100, required=False)
    merchant_category_code = forms.CharField(label="Merchant category code column", max_length=100, required=False)
    balance = forms.CharField(label="Balance column", max_length=100, required=False)
    account_reference = forms.CharField(label="Card account reference column", max_length=100, required=False)
    transaction_id = forms.CharField(label="Transaction id column", max_length=100, required=False)
    encoding = forms.CharField(label="Text encoding", max_length=20, initial="utf-8")
    delimiter = forms.CharField(label="Column separator", max_length=1, initial=",", strip=False)
    skip_lines = forms.IntegerField(
        label="Lines before the header", min_value=0, max_value=50, initial=0, help_text="For example, a title line"
    )

    OPTIONAL = (
        "amount",
        "money_out",
        "money_in",
        "merchant",
        "merchant_category_code",
        "balance",
        "account_reference",
        "transaction_id",
    )

    def mapping_json(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {
            "posted_on": data["posted_on"],
            "date_formats": _split(data["date_formats"]),
            "amount_sign": data["amount_sign"],
            "description": _split(data.get("description") or ""),
            "encoding": data["encoding"],
            "delimiter": data["delimiter"],
            "skip_lines": data["skip_lines"],
        }
        for name in self.OPTIONAL:
            value = (data.get(name) or "").strip()
            out[name] = value or None
        return out

    @classmethod
    def initial_from(cls, profile: ColumnMappingProfile) -> dict[str, Any]:
        mapping = dict(profile.mapping)
        initial: dict[str, Any] = {"provider": profile.provider}
        for key, value in mapping.items():
            if key in ("date_formats", "description") and isinstance(value, list):
                initial[key] = ", ".join(value)
            elif key != "header":
                initial[key] = value if value is not None else ""
        return initial


class MerchantRuleForm(forms.Form):
    pattern = forms.CharField(
        label="Words to look for",
        max_length=200,
        help_text="In the merchant's name or the description, for example Greenway Supermarket",
    )
    match = forms.ChoiceField(label="How must the words match?", choices=RuleMatch.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label="Spending category", choices=SpendCategoryChoice.choices)
    position = forms.IntegerField(
        label="Order", min_value=0, max_value=100000, initial=100, help_text="Rules with a lower number are tried first"
    )
    note = forms.CharField(label="Why (optional)", widget=forms.Textarea, required=False)


class RuleEndForm(forms.Form):
    reason = forms.CharField(label="Why stop using this rule?", widget=forms.Textarea)


class TransactionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show", choices=[("", "All transactions"), *TransactionStatus.choices], required=False
    )
    category = forms.ChoiceField(
        label="Spending category", choices=[("", "Any category"), *SpendCategoryChoice.choices], required=False
    )
    date_from = forms.DateField(
        label="From (YYYY-MM-DD)", required=False, widget=forms.DateInput(format="%Y-%m-%d"), input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        label="To (YYYY-MM-DD)", required=False, widget=forms.DateInput(format="%Y-%m-%d"), input_formats=["%Y-%m-%d"]
    )


class PlanLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanLine) -> str:  # type: ignore[override]
        return f"{obj.description} (support plan {obj.plan.version})"


class TransactionCategoriseForm(forms.Form):
    """Staff categorising a transaction by hand: the plan line (`plan_lines`: the person's) or a category."""

    plan_line = PlanLineChoiceField(
        label="Support plan line",
        queryset=PlanLine.objects.none(),
        required=False,
        empty_label="Not against a plan line",
        help_text="Put it against a line to count it as explained",
    )
    category = forms.ChoiceField(
        label="Spending category", choices=[("", "No category"), *SpendCategoryChoice.choices], required=False
    )
    reason = forms.CharField(
        label="Why are you categorising it?",
        widget=forms.Textarea,
        max_length=300,
        help_text="For example, the invoice or timesheet you have seen. This is recorded with your name.",
        error_messages={"required": "Enter why you are categorising this transaction"},
    )

    def __init__(self, *args: Any, plan_lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_line"].queryset = plan_lines  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("plan_line") and not data.get("category") and not self.errors:
            self.add_error("plan_line", "Choose a plan line or a spending category")
        return data


class ReceiptForm(forms.Form):
    file = forms.FileField(
        label="Receipt or invoice",
        help_text="A PDF, JPG or PNG",
        error_messages={"required": "Select the receipt file", "empty": "The selected file is empty"},
    )
    description = forms.CharField(label="What is it? (optional)", max_length=300, required=False)
    amount_pence = PoundsField(label="Amount on the receipt (optional)", required=False)


class PeriodReceiptForm(ReceiptForm):
    period_start_on = GovukDateField(label="First day it covers", help_text="For example, 1 5 2026")
    period_end_on = GovukDateField(label="Last day it covers", help_text="For example, 31 5 2026")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("period_start_on")
        end: dt.date | None = data.get("period_end_on")
        if start and end and end < start:
            self.add_error("period_end_on", "The last day must be on or after the first day")
        return data
