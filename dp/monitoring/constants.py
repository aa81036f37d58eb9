"""Choices for monitoring's models. Stored values are stable: never rename one."""

from __future__ import annotations

from django.db import models


class StatementFormatChoice(models.TextChoices):
    """The statement formats `dp.monitoring.domain.statements.parse_statement` reads."""

    CARD_CSV = "card_csv", "Card provider CSV (our layout)"
    MAPPED_CSV = "mapped_csv", "Card provider CSV (the provider's own layout, with a saved column mapping)"
    BANK_CSV = "bank_csv", "Bank statement CSV"
    OFX = "ofx", "OFX (Open Financial Exchange)"
    CAMT053 = "camt053", "CAMT.053 (ISO 20022 XML)"
    MT940 = "mt940", "SWIFT MT940"


class ImportStatus(models.TextChoices):
    """See `StatementImport`."""

    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed: nothing was imported"


class TransactionStatus(models.TextChoices):
    """Where categorising put a transaction (`Categorisation.status`)."""

    PLAN_LINE = "plan_line", "Matched to a plan line"
    MONEY_IN = "money_in", "Money in"
    CASH = "cash", "Cash withdrawal"
    UNEXPLAINED = "unexplained", "Unexplained"


class SpendCategoryChoice(models.TextChoices):
    """`dp.monitoring.domain.categorise.SpendCategory` as database choices (a test keeps them equal)."""

    PERSONAL_ASSISTANT = "personal_assistant", "Personal Assistant"
    CARE_AGENCY = "care_agency", "Care or staffing agency"
    PERSONAL_CARE = "personal_care", "Nursing and personal care"
    EMPLOYMENT_COSTS = "employment_costs", "Payroll, tax and accountancy for employing"
    INSURANCE = "insurance", "Insurance"
    HEALTH = "health", "Health services"
    PHARMACY = "pharmacy", "Pharmacy"
    EQUIPMENT = "equipment", "Care and mobility equipment"
    SOCIAL_CARE_AND_COMMUNITY = "social_care_and_community", "Day care, social and community services"
    LEISURE = "leisure", "Leisure and activities"
    EDUCATION = "education", "Education and courses"
    TRANSPORT = "transport", "Transport"
    GROCERIES = "groceries", "Food shopping"
    EATING_OUT = "eating_out", "Eating out"
    ALCOHOL = "alcohol", "Alcohol (bars and off-licences)"
    TOBACCO = "tobacco", "Tobacco"
    GAMBLING = "gambling", "Gambling"
    ADULT_SERVICES = "adult_services", "Dating and escort services"
    CASH_WITHDRAWAL = "cash_withdrawal", "Cash withdrawal"
    CASH_EQUIVALENT = "cash_equivalent", "Money transfers and cash equivalents"
    HOUSEHOLD_BILLS = "household_bills", "Household bills"
    GENERAL_RETAIL = "general_retail", "General shopping"
    BANK_CHARGES = "bank_charges", "Bank charges"
    MONEY_IN = "money_in", "Money in"


class MatchedBy(models.TextChoices):
    PAYEE = "payee", "Known payee"
    COUNCIL_RULE = "council_rule", "Council merchant rule"
    MERCHANT_CATEGORY_CODE = "merchant_category_code", "Merchant category code"
    BUILTIN_RULE = "builtin_rule", "Standard bank wording"
    MONEY_IN = "money_in", "Money in"
    NOTHING = "nothing", "Nothing matched"
    MANUAL = "manual", "Categorised by staff"


class RuleMatch(models.TextChoices):
    CONTAINS = "contains", "The words appear anywhere"
    STARTS_WITH = "starts_with", "The text starts with the words"
    EQUALS = "equals", "The text is exactly the words"


class ScanStatus(models.TextChoices):
    """A receipt's scan: PENDING until the scanner has looked, then CLEAN or REJECTED (never served)."""

    PENDING = "pending", "Waiting for the scan"
    CLEAN = "clean", "Checked"
    REJECTED = "rejected", "Rejected by the scan"


class MonitoringEventType(models.TextChoices):
    """Audit event codes for this app (stable)."""

    IMPORT_QUEUED = "monitoring.import_queued", "Statement file uploaded for import"
    IMPORT_DONE = "monitoring.import_done", "Statement file imported"
    IMPORT_FAILED = "monitoring.import_failed", "Statement import failed"
    MAPPING_SAVED = "monitoring.mapping_saved", "Statement column mapping saved"
    RULE_ADDED = "monitoring.rule_added", "Merchant rule added"
    RULE_CHANGED = "monitoring.rule_changed", "Merchant rule changed"
    RULE_ENDED = "monitoring.rule_ended", "Merchant rule ended"
    RECEIPT_UPLOADED = "monitoring.receipt_uploaded", "Receipt uploaded"
    TRANSACTION_CATEGORISED = "monitoring.transaction_categorised", "Transaction categorised by staff"
    TRANSACTIONS_RECATEGORISED = (
        "monitoring.transactions_recategorised",
        "Merchant rules applied to transactions already imported",
    )
