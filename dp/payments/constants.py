"""Enums for direct payment accounts, schedules and payment runs (stable values: never rename)."""

from django.db import models


class AccountKind(models.TextChoices):
    """How the money is held (RULES.md §4 `account_type`)."""

    PREPAID_CARD = "prepaid_card", "Prepaid card account"
    BANK = "bank", "Bank account"
    MANAGED = "managed", "Managed account"


class AccountStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CardStatus(models.TextChoices):
    """The prepaid card itself (the provider's states). Only an active card can be loaded."""

    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    LOST = "lost", "Reported lost or stolen"
    EXPIRED = "expired", "Expired"
    CLOSED = "closed", "Closed"


class BankDetailsChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second person to confirm"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class Basis(models.TextChoices):
    """DP-PAY-01 (RULES.md §1.6)."""

    NET = "net", "Net: the council pays the budget less the contribution"
    GROSS = "gross", "Gross: the council pays the whole budget and invoices the contribution"


class ScheduleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class ScheduledPaymentKind(models.TextChoices):
    ONE_OFF = "one_off", "One-off payment"
    FINAL = "final", "Final payment"


class RecoveryDeductionStatus(models.TextChoices):
    ACTIVE = "active", "Being taken from payments"
    CANCELLED = "cancelled", "Cancelled"


class PaymentKind(models.TextChoices):
    REGULAR = "regular", "Regular payment"
    ONE_OFF = "one_off", "One-off payment"
    FINAL = "final", "Final payment"


class Channel(models.TextChoices):
    """Where a payment goes: the Bacs file (bank and managed accounts) or the card-load file."""

    BANK = "bank", "Bacs direct credit"
    CARD_PROVIDER = "card_provider", "Prepaid card load"


class PaymentRunStatus(models.TextChoices):
    """See `PaymentRun` and `dp.payments.domain.run.RUN_TRANSITIONS`."""

    CALCULATED = "calculated", "Waiting for approval"
    APPROVED = "approved", "Approved, ready to send"
    EXECUTING = "executing", "Sending"
    COMPLETED = "completed", "Sent"
    CANCELLED = "cancelled", "Cancelled"


LIVE_RUN_STATUSES = (PaymentRunStatus.CALCULATED, PaymentRunStatus.APPROVED, PaymentRunStatus.EXECUTING)


class ExceptionReason(models.TextChoices):
    """Why a payment that is due was held back (it is due again in the next run)."""

    AGREEMENT_NOT_SIGNED = "agreement_not_signed", "The direct payment agreement is not signed"
    NO_OPEN_ACCOUNT = "no_open_account", "No open account to pay into"
    CARD_NOT_ACTIVE = "card_not_active", "The prepaid card is not active"
    BANK_DETAILS_UNCONFIRMED = "bank_details_unconfirmed", "Bank details changed recently and not yet confirmed"


class PaymentFileKind(models.TextChoices):
    BACS = "bacs", "Bacs Standard 18 file"
    CARD_LOAD = "card_load", "Card-load file"
    REMITTANCE = "remittance", "Remittance advices"


class NoticeKind(models.TextChoices):
    BANK_DETAILS_CHANGE_REQUESTED = "bank_details_change_requested", "Change of bank details requested"
    BANK_DETAILS_CHANGED = "bank_details_changed", "Bank details changed"
    BANK_DETAILS_CHANGE_REJECTED = "bank_details_change_rejected", "Change of bank details not made"
    PAYMENT_RETURNED = "payment_returned", "Payment returned by the bank"


class ReturnReason(models.TextChoices):
    """Why the bank sent a payment back (the reasons of a Bacs ARUCS report; the codes that map to them are
    in `dp.payments.domain.returns.BACS_RETURN_CODES`)."""

    REFER_TO_PAYER = "refer_to_payer", "Refer to payer"
    BENEFICIARY_DECEASED = "beneficiary_deceased", "Beneficiary deceased"
    ACCOUNT_TRANSFERRED = "account_transferred", "Account transferred"
    NO_ACCOUNT = "no_account", "No account (wrong account number or type)"
    ACCOUNT_CLOSED = "account_closed", "Account closed"
    INVALID_DETAILS = "invalid_details", "Invalid account details"
    OTHER = "other", "Other reason"


class ReturnStatus(models.TextChoices):
    RETURNED = "returned", "Returned: to decide"
    HELD = "held", "Held"
    REISSUED = "reissued", "Reissued"
    WRITTEN_BACK = "written_back", "Written back to the council"


OPEN_RETURN_STATUSES = (ReturnStatus.RETURNED, ReturnStatus.HELD)


class PaymentEventType(models.TextChoices):
    """Audit event codes for this app (stable; to join `audit_log.EventType` when the lead merges them)."""

    ACCOUNT_OPENED = "payments.account_opened", "Direct payment account opened"
    ACCOUNT_CARD_STATUS = "payments.card_status_changed", "Prepaid card status changed"
    ACCOUNT_CLOSED = "payments.account_closed", "Direct payment account closed"
    BANK_CHANGE_REQUESTED = "payments.bank_change_requested", "Change of bank details requested"
    BANK_CHANGE_CONFIRMED = "payments.bank_change_confirmed", "Change of bank details confirmed"
    BANK_CHANGE_REJECTED = "payments.bank_change_rejected", "Change of bank details rejected"
    MONEY_MANAGER_ADDED = "payments.money_manager_added", "Money manager added"
    SCHEDULE_CREATED = "payments.schedule_created", "Payment schedule set up"
    SCHEDULE_AGREEMENT_SIGNED = "payments.schedule_agreement_signed", "Agreement signed: payments may start"
    SCHEDULE_CHANGED = "payments.schedule_changed", "Budget or contribution changed"
    SCHEDULE_ACCOUNT_CHANGED = "payments.schedule_account_changed", "Payments moved to another account"
    SCHEDULE_SUSPENDED = "payments.schedule_suspended", "Payments suspended"
    SCHEDULE_RESUMED = "payments.schedule_resumed", "Payments resumed"
    SCHEDULE_ENDED = "payments.schedule_ended", "Direct payment ended"
    ONE_OFF_ADDED = "payments.one_off_added", "One-off payment added"
    RUN_CREATED = "payments.run_created", "Payment run calculated"
    RUN_APPROVED = "payments.run_approved", "Payment run approved"
    RUN_CANCELLED = "payments.run_cancelled", "Payment run cancelled"
    RUN_STARTED = "payments.run_started", "Payment run started"
    RUN_COMPLETED = "payments.run_completed", "Payment run sent"
    CONTRIBUTION_RECEIVED = "payments.contribution_received", "Contribution received"
    RECOVERY_DEDUCTION_CREATED = "payments.recovery_deduction_created", "Recovery to take from payments"
    RECOVERY_DEDUCTION_CANCELLED = "payments.recovery_deduction_cancelled", "Recovery from payments cancelled"
    BANK_HOLIDAY_ADDED = "payments.bank_holiday_added", "Bank holiday added"
    ORIGINATOR_SET = "payments.originator_set", "Council's Bacs details set"
    PAYMENT_RETURNED = "payments.payment_returned", "Payment returned by the bank"
    RETURNS_IMPORTED = "payments.returns_imported", "Bank returns file imported"
    RETURN_REISSUED = "payments.return_reissued", "Returned payment reissued"
    RETURN_HELD = "payments.return_held", "Returned payment held"
    RETURN_WRITTEN_BACK = "payments.return_written_back", "Returned payment written back"
