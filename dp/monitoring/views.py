"""Monitoring pages: statement imports, column mappings, merchant rules, an account's transactions, receipts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html

from dp.core.money import format_pence
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import form_page
from dp.monitoring import forms as f
from dp.monitoring import selectors, services
from dp.monitoring.access import (
    CATEGORISE_ROLES,
    RECEIPT_ROLES,
    RULE_WRITE_ROLES,
    STATEMENT_ROLES,
    access_mapping_by_id,
    access_merchant_rule_by_id,
    access_receipt_by_id,
    access_statement_import_by_id,
    access_transaction_by_id,
)
from dp.monitoring.constants import ImportStatus, ScanStatus, StatementFormatChoice
from dp.monitoring.domain.receipts import EXTENSIONS
from dp.monitoring.models import ColumnMappingProfile
from dp.payments.access import access_account_by_id
from dp.payments.models import DirectPaymentAccount
from dp.people.access import people_visible_to
from dp.staff.roles import CARE_ROLES

#: Formats of one account's statement (a bank's): uploaded from the account's page.
ONE_ACCOUNT_FORMATS = {
    StatementFormatChoice.BANK_CSV,
    StatementFormatChoice.OFX,
    StatementFormatChoice.CAMT053,
    StatementFormatChoice.MT940,
}


def _posted(request: StaffRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _files(request: StaffRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


def _statements_crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs(("Statements", reverse("monitoring:import_list")), *items)


def _account_crumbs(account: DirectPaymentAccount, *items: tuple[str, str]) -> list[dict[str, str]]:
    person = account.person
    return _crumbs(
        (person.full_name, reverse("people:detail", args=[person.pk])),
        ("Money", reverse("payments:person_money", args=[person.pk])),
        (str(account), reverse("payments:account_detail", args=[account.pk])),
        ("Transactions", reverse("monitoring:account_transactions", args=[account.pk])),
        *items,
    )


def _form_page(
    request: StaffRequest, form: forms.Form, act: Callable[[dict[str, Any]], HttpResponse], **kwargs: Any
) -> HttpResponse:
    """`core.views.form_page`, carrying the account an upload started from (`?account=`) through a POST."""
    account = request.GET.get("account") or request.POST.get("account")
    return form_page(request, form, act, hidden=[("account", account)] if account else [], **kwargs)


# -- statement imports -----------------------------------------------------------------------------------


@staff_view(*STATEMENT_ROLES)
def import_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(selectors.statement_import_list(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/import_list.html",
        {
            "page": page,
            "can_write": request.user.has_role(*RULE_WRITE_ROLES),
            "breadcrumbs": _crumbs(),
        },
    )


@staff_view(*STATEMENT_ROLES)
def import_create(request: StaffRequest) -> HttpResponse:
    account_id = request.GET.get("account") or request.POST.get("account")
    account = access_account_by_id(request.user, int(account_id)) if account_id and account_id.isdigit() else None
    form = f.StatementUploadForm(_posted(request), _files(request))
    if account is None:
        form.fields["statement_format"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in StatementFormatChoice.choices if value not in ONE_ACCOUNT_FORMATS
        ]

    def act(data: dict[str, Any]) -> HttpResponse:
        imp = services.statement_import_create(
            actor=request.user,
            file=data["file"],
            statement_format=data["statement_format"],
            mapping=data.get("mapping"),
            account=account,
            encoding=data.get("encoding") or "",
        )
        messages.success(request, f"{imp.file_name} uploaded: it is being imported")
        return redirect("monitoring:import_detail", import_id=imp.pk)

    intro = [
        "The whole file is imported, or none of it: a file with a mistake is refused with the line and the field "
        "at fault. Transactions already imported (the same file again, or one that overlaps) are not added twice."
    ]
    if account is None:
        intro.append(
            "A card provider's file names each card account on every line. To import a bank statement, start from "
            "the account's transactions page, so it is imported for that account."
        )
    return _form_page(
        request,
        form,
        act,
        title="Import a statement",
        caption=f"{account.person.full_name}: {account}" if account else "Statements",
        breadcrumbs=_account_crumbs(account) if account else _statements_crumbs(),
        button="Import the statement",
        intro=intro,
        rows=[("For the account", str(account))] if account else [],
        cancel_url=reverse("monitoring:import_list"),
    )


@staff_view(*STATEMENT_ROLES)
def import_detail(request: StaffRequest, import_id: int) -> HttpResponse:
    imp = access_statement_import_by_id(request.user, import_id)
    reconciliations = selectors.statement_import_reconciliations(imp, user=request.user)
    refreshing = not imp.is_finished and request.GET.get("refresh") != "off"
    response = render(
        request,
        "monitoring/import_detail.html",
        {
            "imp": imp,
            "reconciliations": reconciliations[:200],
            "hidden_reconciliations": imp.reconciliations.count() - reconciliations.count(),
            "account_visible": imp.account is None
            or people_visible_to(request.user).filter(pk=imp.account.person_id).exists(),
            "refreshing": refreshing,
            "can_retry": imp.status == ImportStatus.FAILED and request.user.has_role(*STATEMENT_ROLES),
            "breadcrumbs": _statements_crumbs(),
        },
    )
    if refreshing:
        response["Refresh"] = "5"  # the page reloads itself while the file is imported (no script needed)
    return response


@staff_view(*STATEMENT_ROLES)
def import_retry(request: StaffRequest, import_id: int) -> HttpResponse:
    imp = access_statement_import_by_id(request.user, import_id)

    def act(data: dict[str, Any]) -> HttpResponse:
        services.statement_import_retry(actor=request.user, statement_import=imp)
        messages.success(request, f"{imp.file_name} is being imported again")
        return redirect("monitoring:import_detail", import_id=imp.pk)

    return _form_page(
        request,
        forms.Form(_posted(request)),
        act,
        title="Import this file again",
        caption=imp.file_name,
        breadcrumbs=_statements_crumbs((imp.file_name, reverse("monitoring:import_detail", args=[imp.pk]))),
        button="Import again",
        intro=["Do this once the cause of the error has been put right (for example, the account's reference)."],
        rows=[("Error", imp.error_message)],
        can_submit=imp.status == ImportStatus.FAILED,
        warning="" if imp.status == ImportStatus.FAILED else "Only a failed import can be tried again.",
        cancel_url=reverse("monitoring:import_detail", args=[imp.pk]),
    )


# -- column mappings -------------------------------------------------------------------------------------


@staff_view(*STATEMENT_ROLES)
def mapping_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/mapping_list.html",
        {
            "mappings": ColumnMappingProfile.objects.order_by("provider"),
            "can_write": request.user.has_role(*RULE_WRITE_ROLES),
            "breadcrumbs": _statements_crumbs(),
        },
    )


@staff_view(*RULE_WRITE_ROLES)
def mapping_edit(request: StaffRequest, mapping_id: int | None = None) -> HttpResponse:
    profile = access_mapping_by_id(request.user, mapping_id) if mapping_id is not None else None
    initial = f.ColumnMappingForm.initial_from(profile) if profile else None
    form = f.ColumnMappingForm(_posted(request), initial=initial)

    def act(data: dict[str, Any]) -> HttpResponse:
        saved = services.column_mapping_save(actor=request.user, provider=data["provider"], mapping=form.mapping_json())
        messages.success(request, f"Column layout for {saved.provider} saved")
        return redirect("monitoring:mapping_list")

    return _form_page(
        request,
        form,
        act,
        title=f"Column layout: {profile.provider}" if profile else "Add a provider's column layout",
        caption="Statements",
        breadcrumbs=_statements_crumbs(("Providers' column layouts", reverse("monitoring:mapping_list"))),
        button="Save the layout",
        intro=[
            "Name the columns as they are in the file's header. Give either one amount column, or a money out and a "
            "money in column."
        ],
        cancel_url=reverse("monitoring:mapping_list"),
    )


# -- merchant rules --------------------------------------------------------------------------------------


@staff_view(*STATEMENT_ROLES)
def rule_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(selectors.merchant_rule_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/rule_list.html",
        {"page": page, "can_write": request.user.has_role(*RULE_WRITE_ROLES), "breadcrumbs": _statements_crumbs()},
    )


def _offer_apply(done: str) -> str:
    """A message saying what was done, with a link to apply the rules to transactions already imported."""
    return format_html(
        '{} <a class="govuk-notification-banner__link" href="{}">Apply the rules to transactions already imported</a>',
        done,
        reverse("monitoring:rule_apply"),
    )


@staff_view(*RULE_WRITE_ROLES)
def rule_apply(request: StaffRequest) -> HttpResponse:
    def act(data: dict[str, Any]) -> HttpResponse:
        services.transactions_recategorise_queue(actor=request.user)
        messages.success(
            request,
            "The rules are being applied to unexplained transactions already imported. "
            "Transactions they now explain will show their new category in a few minutes.",
        )
        return redirect("monitoring:rule_list")

    return _form_page(
        request,
        forms.Form(_posted(request)),
        act,
        title="Apply the rules to transactions already imported",
        caption="Merchant rules",
        breadcrumbs=_statements_crumbs(("Merchant rules", reverse("monitoring:rule_list"))),
        button="Apply the rules",
        intro=[
            "Every unexplained transaction already imported is categorised again with the rules in use today "
            "and each person's current support plan. This runs in the background.",
            "Transactions matched to a known Personal Assistant or agency, ones categorised by staff, and ones "
            "already explained, are not changed.",
        ],
        cancel_url=reverse("monitoring:rule_list"),
    )


@staff_view(*RULE_WRITE_ROLES)
def rule_create(request: StaffRequest) -> HttpResponse:
    form = f.MerchantRuleForm(_posted(request), initial={"match": "contains", "position": 100})

    def act(data: dict[str, Any]) -> HttpResponse:
        rule = services.merchant_rule_add(actor=request.user, **data)
        messages.success(request, _offer_apply(f"Rule added: {rule.pattern} is {rule.get_category_display()}."))
        return redirect("monitoring:rule_list")

    return _form_page(
        request,
        form,
        act,
        title="Add a merchant rule",
        caption="Merchant rules",
        breadcrumbs=_statements_crumbs(("Merchant rules", reverse("monitoring:rule_list"))),
        button="Add the rule",
        intro=[
            "A rule puts transactions whose merchant or description has these words in a spending category. It is "
            "used for statements imported from today; rules are tried before merchant category codes."
        ],
        cancel_url=reverse("monitoring:rule_list"),
    )


@staff_view(*RULE_WRITE_ROLES)
def rule_edit(request: StaffRequest, rule_id: int) -> HttpResponse:
    rule = access_merchant_rule_by_id(request.user, rule_id)
    form = f.MerchantRuleForm(
        _posted(request),
        initial={
            "pattern": rule.pattern,
            "match": rule.match,
            "category": rule.category,
            "position": rule.position,
            "note": rule.note,
        },
    )

    def act(data: dict[str, Any]) -> HttpResponse:
        services.merchant_rule_change(actor=request.user, rule=rule, **data)
        messages.success(request, _offer_apply("Rule changed."))
        return redirect("monitoring:rule_list")

    return _form_page(
        request,
        form,
        act,
        title="Change a merchant rule",
        caption="Merchant rules",
        breadcrumbs=_statements_crumbs(("Merchant rules", reverse("monitoring:rule_list"))),
        button="Save",
        can_submit=rule.ended_on is None,
        warning="" if rule.ended_on is None else "This rule has ended: add a new rule instead.",
        cancel_url=reverse("monitoring:rule_list"),
    )


@staff_view(*RULE_WRITE_ROLES)
def rule_end(request: StaffRequest, rule_id: int) -> HttpResponse:
    rule = access_merchant_rule_by_id(request.user, rule_id)

    def act(data: dict[str, Any]) -> HttpResponse:
        services.merchant_rule_end(actor=request.user, rule=rule, reason=data["reason"])
        messages.success(request, f"Rule for {rule.pattern} stopped")
        return redirect("monitoring:rule_list")

    return _form_page(
        request,
        f.RuleEndForm(_posted(request)),
        act,
        title="Stop using a merchant rule",
        caption="Merchant rules",
        breadcrumbs=_statements_crumbs(("Merchant rules", reverse("monitoring:rule_list"))),
        button="Stop using the rule",
        button_class="govuk-button--warning",
        rows=[("Words", rule.pattern), ("Category", rule.get_category_display())],
        intro=["Transactions it has already categorised keep their category."],
        can_submit=rule.ended_on is None,
        warning="" if rule.ended_on is None else "This rule has already ended.",
        cancel_url=reverse("monitoring:rule_list"),
    )


# -- an account's transactions and receipts -----------------------------------------------------------------


@staff_view(*CARE_ROLES)
def account_transactions(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    filters = f.TransactionFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    lines = selectors.account_transactions(
        account,
        status=criteria.get("status") or "",
        category=criteria.get("category") or "",
        date_from=criteria.get("date_from"),
        date_to=criteria.get("date_to"),
    )
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/account_transactions.html",
        {
            "account": account,
            "person": account.person,
            "filters": filters,
            "page": page,
            "summary": selectors.account_transaction_summary(account),
            "receipts": selectors.account_receipts(account)[:20],
            "can_import": request.user.has_role(*STATEMENT_ROLES),
            "can_receipt": request.user.has_role(*RECEIPT_ROLES),
            "can_categorise": request.user.has_role(*CATEGORISE_ROLES),
            "breadcrumbs": _account_crumbs(account)[:-1],
        },
    )


@staff_view(*CATEGORISE_ROLES)
def transaction_categorise(request: StaffRequest, transaction_id: int) -> HttpResponse:
    line = access_transaction_by_id(request.user, transaction_id)
    form = f.TransactionCategoriseForm(
        _posted(request),
        plan_lines=selectors.plan_lines_for_categorising(line.account),
        initial={"plan_line": line.plan_line_id, "category": line.category},
    )

    def act(data: dict[str, Any]) -> HttpResponse:
        services.transaction_categorise(
            actor=request.user,
            transaction_=line,
            plan_line=data.get("plan_line"),
            category=data.get("category") or "",
            reason=data["reason"],
        )
        messages.success(request, f"Transaction categorised: {line.shown_text} on {line.posted_on:%-d %B %Y}")
        return redirect("monitoring:account_transactions", account_id=line.account_id)

    return _form_page(
        request,
        form,
        act,
        title="Categorise a transaction",
        caption=f"{line.account.person.full_name}: {line.account}",
        breadcrumbs=_account_crumbs(line.account),
        button="Categorise",
        rows=[
            ("Date", line.posted_on.strftime("%-d %B %Y")),
            ("Paid to or from", line.shown_text),
            ("Amount", format_pence(line.amount_pence)),
            ("Categorised now", f"{line.get_status_display()}: {line.reason}" if line.reason else "Not yet"),
        ],
        intro=[
            "Choose the line of the person's support plan it paid for, or what kind of spending it was. "
            "Applying the merchant rules or a new support plan will not change what you choose."
        ],
        can_submit=line.contribution_receipt_id is None,
        warning=""
        if line.contribution_receipt_id is None
        else "This is a contribution the person paid in, matched to their contribution record.",
        cancel_url=reverse("monitoring:account_transactions", args=[line.account_id]),
    )


@staff_view(*RECEIPT_ROLES)
def receipt_upload(request: StaffRequest, transaction_id: int) -> HttpResponse:
    line = access_transaction_by_id(request.user, transaction_id)
    form = f.ReceiptForm(_posted(request), _files(request))

    def act(data: dict[str, Any]) -> HttpResponse:
        receipt = services.receipt_upload(
            actor=request.user,
            file=data["file"],
            transaction_=line,
            description=data.get("description") or "",
            amount_pence=data.get("amount_pence"),
        )
        if receipt.scan_status == ScanStatus.REJECTED:
            messages.error(request, f"The receipt was kept for the record but not accepted: {receipt.scan_detail}")
        else:
            messages.success(request, "Receipt uploaded")
        return redirect("monitoring:account_transactions", account_id=line.account_id)

    return _form_page(
        request,
        form,
        act,
        title="Upload a receipt",
        caption=f"{line.account.person.full_name}: {line.account}",
        breadcrumbs=_account_crumbs(line.account),
        button="Upload",
        rows=[
            ("Date", line.posted_on.strftime("%-d %B %Y")),
            ("Paid to", line.shown_text),
            ("Amount", format_pence(abs(line.amount_pence))),
        ],
        cancel_url=reverse("monitoring:account_transactions", args=[line.account_id]),
    )


@staff_view(*RECEIPT_ROLES)
def period_receipt_upload(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    form = f.PeriodReceiptForm(_posted(request), _files(request))

    def act(data: dict[str, Any]) -> HttpResponse:
        services.receipt_upload(
            actor=request.user,
            file=data["file"],
            account=account,
            period_start_on=data["period_start_on"],
            period_end_on=data["period_end_on"],
            description=data.get("description") or "",
            amount_pence=data.get("amount_pence"),
        )
        messages.success(request, "Receipt uploaded")
        return redirect("monitoring:account_transactions", account_id=account.pk)

    return _form_page(
        request,
        form,
        act,
        title="Upload a receipt for a period",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_account_crumbs(account),
        button="Upload",
        intro=["For an invoice or a record that covers several payments, such as a month's timesheets."],
        cancel_url=reverse("monitoring:account_transactions", args=[account.pk]),
    )


@staff_view(*CARE_ROLES)
def receipt_download(request: StaffRequest, receipt_id: int) -> HttpResponse:
    receipt = access_receipt_by_id(request.user, receipt_id)
    if receipt.scan_status != ScanStatus.CLEAN:
        raise Http404("This receipt was not accepted by the scan")
    extension = EXTENSIONS.get(receipt.content_type, "bin")
    response = FileResponse(
        receipt.file.open("rb"),
        content_type=receipt.content_type,
        as_attachment=True,
        filename=f"receipt-{receipt.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)  # a streamed file: the staff_view decorator passes it through
