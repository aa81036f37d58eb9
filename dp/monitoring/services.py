"""Writes for monitoring: statement imports, column mappings, merchant rules and receipts.

Each service is keyword-only, validates through the pure `domain/` code, writes in one transaction with
an audit event, and enqueues background work on commit.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from dp.audit_log.services import audit_event_record, snapshot
from dp.core import clock
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence
from dp.monitoring import selectors
from dp.monitoring.constants import (
    ImportStatus,
    MatchedBy,
    MonitoringEventType,
    RuleMatch,
    ScanStatus,
    SpendCategoryChoice,
    StatementFormatChoice,
    TransactionStatus,
)
from dp.monitoring.domain.categorise import Categorisation, PlanLineRef, SpendCategory, manual_categorisation
from dp.monitoring.domain.categorise import MerchantRule as DomainMerchantRule
from dp.monitoring.domain.receipts import HEAD_BYTES, check_receipt
from dp.monitoring.domain.statements import ColumnMapping
from dp.monitoring.importer import ProgressWriter, load_statement
from dp.monitoring.models import ColumnMappingProfile, MerchantRule, Receipt, StatementImport, Transaction
from dp.monitoring.scanning import receipt_max_bytes, receipt_scanner
from dp.monitoring.selectors import categorisers_for_accounts
from dp.payments.models import DirectPaymentAccount
from dp.plans.constants import PlanStatus
from dp.plans.models import PlanLine, SupportPlan

logger = logging.getLogger(__name__)

#: Advisory lock namespace for statement imports (one importer per import at a time).
IMPORT_LOCK_NAMESPACE = 5301
MAX_STATEMENT_BYTES = 2 * 1024 * 1024 * 1024


# -- statement imports ----------------------------------------------------------------------------------


def _hash_file(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def statement_import_create(
    *,
    actor: Any,
    file: File,  # type: ignore[type-arg]
    statement_format: str,
    mapping: ColumnMappingProfile | None = None,
    account: DirectPaymentAccount | None = None,
    encoding: str = "",
    run_in_background: bool = True,
) -> StatementImport:
    """Store an uploaded statement file and queue its import (a background task, on commit)."""
    if statement_format not in StatementFormatChoice.values:
        raise ValidationFailed("Select the statement's format", field="statement_format")
    if statement_format == StatementFormatChoice.MAPPED_CSV and mapping is None:
        raise ValidationFailed("Select the provider whose column layout the file uses", field="mapping")
    if statement_format != StatementFormatChoice.MAPPED_CSV:
        mapping = None
    if encoding.strip():
        try:
            codecs.lookup(encoding.strip())
        except LookupError:
            raise ValidationFailed(f"{encoding.strip()!r} is not a known text encoding", field="encoding") from None
    name = (getattr(file, "name", "") or "statement").rsplit("/", 1)[-1][:255]
    sha256, size = _hash_file(file)  # type: ignore[arg-type]
    if size == 0:
        raise ValidationFailed("The selected file is empty", field="file")
    if size > MAX_STATEMENT_BYTES:
        raise ValidationFailed("The selected file must be smaller than 2 GB", field="file")
    imp = StatementImport(
        file_name=name,
        format=statement_format,
        mapping=mapping,
        account=account,
        encoding=encoding.strip(),
        sha256=sha256,
        size_bytes=size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    imp.file.save(name, file, save=False)
    imp.save()
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.IMPORT_QUEUED,
        subject=imp,
        summary=f"Statement file {name} uploaded for import ({imp.get_format_display()})",
        after={"file_name": name, "format": statement_format, "sha256": sha256, "size_bytes": size},
    )
    if run_in_background:
        _enqueue(imp.pk)
    return imp


def _enqueue(import_id: int) -> None:
    from dp.monitoring.tasks import statement_import_task

    transaction.on_commit(lambda: statement_import_task.enqueue(import_id))


@transaction.atomic
def statement_import_retry(*, actor: Any, statement_import: StatementImport) -> StatementImport:
    """Queue a failed import again (after the file's problem was explained, for example a new mapping)."""
    imp = StatementImport.objects.select_for_update().get(pk=statement_import.pk)
    if imp.status != ImportStatus.FAILED:
        raise ValidationFailed("Only a failed import can be tried again", field="status")
    imp.status = ImportStatus.QUEUED
    imp.error_message, imp.error_line, imp.error_field = "", None, ""
    imp.lines_read = imp.bytes_read = 0
    imp.save(update_fields=["status", "error_message", "error_line", "error_field", "lines_read", "bytes_read"])
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.IMPORT_QUEUED,
        subject=imp,
        summary=f"Statement file {imp.file_name} queued again",
    )
    _enqueue(imp.pk)
    return imp


class ImportBusy(Exception):
    """Another worker is importing this file now."""


def _mark_running(import_id: int) -> StatementImport | None:
    """Mark the import running, or None when it is finished or another worker is importing it now (its
    progress is left as it is: the lock the import's own transaction holds is tried first)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, import_id])
            if not cursor.fetchone()[0]:
                return None
        imp = StatementImport.objects.select_for_update().get(pk=import_id)
        if imp.status == ImportStatus.DONE:
            return None
        imp.status = ImportStatus.RUNNING
        imp.started_at = clock.now()
        imp.finished_at = None
        imp.lines_read = imp.bytes_read = 0
        imp.save(update_fields=["status", "started_at", "finished_at", "lines_read", "bytes_read"])
        return imp


def _mark_failed(import_id: int, *, message: str, line: int | None, field: str) -> StatementImport:
    with transaction.atomic():
        imp = StatementImport.objects.select_for_update().get(pk=import_id)
        imp.status = ImportStatus.FAILED
        imp.finished_at = clock.now()
        imp.error_message = message
        imp.error_line = line
        imp.error_field = field[:100]
        imp.save(update_fields=["status", "finished_at", "error_message", "error_line", "error_field"])
        audit_event_record(
            actor=imp.uploaded_by,
            event_type=MonitoringEventType.IMPORT_FAILED,
            subject=imp,
            summary=f"Statement import of {imp.file_name} failed: nothing was imported",
            after={"error": message},
        )
        return imp


def statement_import_run(
    *, import_id: int, show_progress: bool = True, on_progress: Callable[[int, int], None] | None = None
) -> StatementImport:
    """Import a queued statement file: all of it in one transaction, or none of it (the error, naming the
    file, line and field, is kept on the import). Safe to run again: a finished import is left as it is,
    and a second worker on the same import stops at once (`ImportBusy`)."""
    started = _mark_running(import_id)
    if started is None:
        return StatementImport.objects.get(pk=import_id)
    writer = ProgressWriter(import_id) if show_progress else None

    def progress(lines_read: int, bytes_read: int) -> None:
        if writer is not None:
            writer(lines_read, bytes_read)
        if on_progress is not None:
            on_progress(lines_read, bytes_read)

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_NAMESPACE, import_id])
                if not cursor.fetchone()[0]:
                    raise ImportBusy(f"Statement import {import_id} is already running")
            imp = StatementImport.objects.select_related("account", "mapping", "uploaded_by").get(pk=import_id)
            mapping = ColumnMapping.from_json(imp.mapping.mapping) if imp.mapping is not None else None
            with imp.file.open("rb") as stream:
                result = load_statement(
                    imp,
                    stream,
                    actor=imp.uploaded_by,
                    mapping=mapping,
                    progress=progress if writer is not None or on_progress is not None else None,
                )
            imp.status = ImportStatus.DONE
            imp.finished_at = clock.now()
            imp.lines_read = result.lines_read
            imp.bytes_read = imp.size_bytes
            imp.lines_added = result.lines_added
            imp.duplicates = result.duplicates
            imp.unexplained = result.unexplained
            imp.contributions_matched = result.contributions_matched
            imp.first_posted_on, imp.last_posted_on = result.first_posted_on, result.last_posted_on
            imp.error_message, imp.error_line, imp.error_field = "", None, ""
            imp.save()
            audit_event_record(
                actor=imp.uploaded_by,
                event_type=MonitoringEventType.IMPORT_DONE,
                subject=imp,
                summary=(
                    f"Statement {imp.file_name} imported: {result.lines_added} new transactions, "
                    f"{result.duplicates} already imported"
                ),
                after={
                    "lines_read": result.lines_read,
                    "lines_added": result.lines_added,
                    "duplicates": result.duplicates,
                    "unexplained": result.unexplained,
                    "contributions_matched": result.contributions_matched,
                },
            )
            return imp
    except ImportBusy:
        logger.warning("Statement import %s is already running elsewhere", import_id)
        return StatementImport.objects.get(pk=import_id)
    except ValidationFailed as exc:
        return _mark_failed(import_id, message=exc.message, line=getattr(exc, "line", None), field=exc.field or "")
    except (UnicodeError, LookupError) as exc:
        return _mark_failed(import_id, message=f"The file could not be read as text: {exc}", line=None, field="")
    except Exception:
        logger.exception("Statement import %s failed", import_id)
        _mark_failed(
            import_id,
            message="The import stopped because of an unexpected error; nothing was imported. Support have been told.",
            line=None,
            field="",
        )
        raise
    finally:
        if writer is not None:
            writer.close()


# -- column mappings ---------------------------------------------------------------------------------------


@transaction.atomic
def column_mapping_save(*, actor: Any, provider: str, mapping: dict[str, Any]) -> ColumnMappingProfile:
    """Save (or replace) a provider's column mapping, checked by the pure `ColumnMapping`."""
    name = provider.strip()
    if not name:
        raise ValidationFailed("Enter the provider's name", field="provider")
    checked = ColumnMapping.from_json(mapping)
    profile = ColumnMappingProfile.objects.select_for_update().filter(provider__iexact=name).first()
    before = {"mapping": profile.mapping} if profile else None
    if profile is None:
        profile = ColumnMappingProfile(provider=name)
    profile.mapping = checked.to_json()
    profile.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    profile.save()
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.MAPPING_SAVED,
        subject=profile,
        summary=f"Column mapping for {name} saved",
        before=before,
        after={"mapping": profile.mapping},
    )
    return profile


# -- merchant rules ------------------------------------------------------------------------------------------


def _check_rule(*, pattern: str, match: str, category: str) -> None:
    if category not in SpendCategoryChoice.values:
        raise ValidationFailed("Select a spending category", field="category")
    if match not in RuleMatch.values:
        raise ValidationFailed("Select how the words must match", field="match")
    DomainMerchantRule("new", pattern.strip(), SpendCategoryChoice(category).value, match=match)  # type: ignore[arg-type]


RULE_FIELDS = ("pattern", "match", "category", "position", "note", "effective_from", "ended_on")


@transaction.atomic
def merchant_rule_add(
    *,
    actor: Any,
    pattern: str,
    category: str,
    match: str = RuleMatch.CONTAINS,
    position: int = 100,
    note: str = "",
    effective_from: dt.date | None = None,
) -> MerchantRule:
    """A new council merchant rule, in force from `effective_from` (today by default)."""
    _check_rule(pattern=pattern, match=match, category=category)
    rule = MerchantRule.objects.create(
        pattern=pattern.strip(),
        match=match,
        category=category,
        position=position,
        note=note.strip(),
        effective_from=effective_from or clock.today(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.RULE_ADDED,
        subject=rule,
        summary=f"Merchant rule added: {rule.pattern!r} is {rule.get_category_display()}",
        after=snapshot(rule, RULE_FIELDS),
    )
    return rule


@transaction.atomic
def merchant_rule_change(
    *, actor: Any, rule: MerchantRule, pattern: str, category: str, match: str, position: int, note: str
) -> MerchantRule:
    """Change a rule in force. Transactions it already categorised keep their reason (with the old words)."""
    locked = MerchantRule.objects.select_for_update().get(pk=rule.pk)
    if locked.ended_on is not None:
        raise ValidationFailed("This rule has ended; add a new rule instead", field="pattern")
    _check_rule(pattern=pattern, match=match, category=category)
    before = snapshot(locked, RULE_FIELDS)
    locked.pattern, locked.match, locked.category = pattern.strip(), match, category
    locked.position, locked.note = position, note.strip()
    locked.save(update_fields=["pattern", "match", "category", "position", "note", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.RULE_CHANGED,
        subject=locked,
        summary=f"Merchant rule changed: {locked.pattern!r} is {locked.get_category_display()}",
        before=before,
        after=snapshot(locked, RULE_FIELDS),
    )
    return locked


@transaction.atomic
def merchant_rule_end(*, actor: Any, rule: MerchantRule, reason: str = "") -> MerchantRule:
    """Stop using a rule from today (a rule that had not started yet ends the day after it would have)."""
    locked = MerchantRule.objects.select_for_update().get(pk=rule.pk)
    if locked.ended_on is not None:
        return locked  # already ended: nothing to do
    before = snapshot(locked, RULE_FIELDS)
    locked.ended_on = max(clock.today(), locked.effective_from + dt.timedelta(days=1))
    locked.ended_by = actor if getattr(actor, "is_authenticated", False) else None
    if reason.strip():
        locked.note = f"{locked.note}\nEnded: {reason.strip()}".strip()
    locked.save(update_fields=["ended_on", "ended_by", "note", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.RULE_ENDED,
        subject=locked,
        summary=f"Merchant rule ended: {locked.pattern!r}",
        before=before,
        after=snapshot(locked, RULE_FIELDS),
    )
    return locked


# -- applying the rules again to transactions already imported ------------------------------------------------

#: Accounts categorised per transaction (each chunk commits on its own, so locks are short).
RECATEGORISE_ACCOUNTS_PER_CHUNK = 500
#: Rows per UPDATE ... FROM (VALUES ...) statement (8 parameters a row, under PostgreSQL's 65,535).
RECATEGORISE_ROWS_PER_UPDATE = 2000
#: The columns a categorisation writes (by the rules, the plan or by hand), in `_categorisation_row`'s order.
CATEGORY_FIELDS = ("status", "category", "plan_line_id", "payee_ref", "matched_by", "rule_ref", "reason")


@dataclass(frozen=True)
class _LineText:
    """What the categoriser reads of a transaction (only the sign of the amount matters)."""

    amount_pence: int
    merchant: str
    description: str
    merchant_category_code: str | None


@dataclass(frozen=True)
class RecategoriseResult:
    """How many transactions were looked at again, how many of them are now explained, and how many changed."""

    looked_at: int
    newly_explained: int
    changed: int


def _categorisation_row(result: Categorisation) -> tuple[Any, ...]:
    """A categorisation as the values of `CATEGORY_FIELDS`."""
    return (
        result.status,
        result.category.value if result.category else "",
        int(result.plan_line_id) if result.plan_line_id else None,
        result.payee_id or "",
        result.matched_by,
        result.rule_id or "",
        result.reason[:500],
    )


def _recategorise_candidates(
    *,
    since: dt.date | None,
    only_unexplained: bool,
    account_ids: Sequence[int] | None = None,
    plan_matches: bool = False,
) -> QuerySet[Transaction]:
    """Lines that may be categorised again. Never a contribution a person recorded (linked to its
    `ContributionReceipt`) nor a line staff categorised by hand (`matched_by = "manual"`).

    Applying the rules (`plan_matches=False`) never changes a line matched to a known payee either: the
    plan's own record of who is paid wins over any rule. After the person's plan changed (`plan_matches=True`)
    the lines the plan decides are looked at: unexplained ones, ones put against a plan line, and ones
    matched to a payee of the plan (who may have been added or removed)."""
    lines = Transaction.objects.filter(contribution_receipt__isnull=True).exclude(matched_by=MatchedBy.MANUAL)
    if plan_matches:
        lines = lines.filter(
            Q(status=TransactionStatus.UNEXPLAINED) | Q(plan_line__isnull=False) | Q(matched_by=MatchedBy.PAYEE)
        )
    else:
        lines = lines.exclude(matched_by=MatchedBy.PAYEE)
        if only_unexplained:
            lines = lines.filter(status=TransactionStatus.UNEXPLAINED)
    if account_ids is not None:
        lines = lines.filter(account_id__in=account_ids)
    if since is not None:
        lines = lines.filter(posted_on__gte=since)
    return lines


def _recategorise_chunk(
    *,
    account_ids: list[int],
    candidates: QuerySet[Transaction],
    today: dt.date,
    shared: dict[tuple[Any, ...], tuple[Any, ...]],
) -> tuple[int, int, int]:
    """Categorise one chunk of accounts' candidate lines again and write the changed ones set-based.

    Lines are read without locks (a lock on every line read cost more than the categorising); the UPDATE
    writes a changed line only if it is still neither categorised by hand nor linked to a contribution, a
    condition PostgreSQL checks again on the newest version of a line changed meanwhile, so staff categorising
    a line while this runs always win. `shared` keeps the results of the categoriser of people without a plan
    (group 0: the rules alone) from chunk to chunk."""
    groups, categorisers = categorisers_for_accounts(account_ids, on=today)
    results: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    changes: list[tuple[Any, ...]] = []
    explains: set[int] = set()
    looked_at = 0
    rows = (
        candidates.filter(account_id__in=account_ids)
        .order_by("id")
        .values_list(
            "id",
            "account_id",
            "amount_pence",
            "merchant",
            "description",
            "merchant_category_code",
            *CATEGORY_FIELDS,
        )
    )
    for pk, account_id, amount_pence, merchant, description, mcc, *current in rows.iterator(chunk_size=5000):
        looked_at += 1
        group = groups[account_id]
        key = (group, merchant, description, mcc, amount_pence >= 0)
        cache = shared if group == 0 else results
        new = cache.get(key)
        if new is None:
            result = categorisers[group].categorise(_LineText(1 if key[4] else -1, merchant, description, mcc or None))
            new = cache[key] = _categorisation_row(result)
        if tuple(current) != new:
            changes.append((pk, *new))
            if current[0] == TransactionStatus.UNEXPLAINED and new[0] != TransactionStatus.UNEXPLAINED:
                explains.add(pk)
    changed = newly_explained = 0
    table = Transaction._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(changes), RECATEGORISE_ROWS_PER_UPDATE):
            batch = changes[start : start + RECATEGORISE_ROWS_PER_UPDATE]
            values = ", ".join(["(%s::bigint, %s, %s, %s::bigint, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"""
                UPDATE {table} AS t
                   SET status = v.status, category = v.category, plan_line_id = v.plan_line_id,
                       payee_ref = v.payee_ref, matched_by = v.matched_by, rule_ref = v.rule_ref, reason = v.reason
                  FROM (VALUES {values})
                    AS v (id, status, category, plan_line_id, payee_ref, matched_by, rule_ref, reason)
                 WHERE t.id = v.id AND t.matched_by <> %s AND t.contribution_receipt_id IS NULL
                RETURNING t.id
                """,
                [*(value for row in batch for value in row), MatchedBy.MANUAL],
            )
            written = [pk for (pk,) in cursor.fetchall()]
            changed += len(written)
            newly_explained += sum(1 for pk in written if pk in explains)
    return looked_at, newly_explained, changed


def _recategorise(candidates: QuerySet[Transaction]) -> RecategoriseResult:
    """Categorise the candidate lines again, a chunk of accounts per transaction (not inside the caller's)."""
    account_ids = list(candidates.order_by("account_id").values_list("account_id", flat=True).distinct())
    today = clock.today()
    shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    looked_at = newly_explained = changed = 0
    for start in range(0, len(account_ids), RECATEGORISE_ACCOUNTS_PER_CHUNK):
        with transaction.atomic():
            counts = _recategorise_chunk(
                account_ids=account_ids[start : start + RECATEGORISE_ACCOUNTS_PER_CHUNK],
                candidates=candidates,
                today=today,
                shared=shared,
            )
        looked_at, newly_explained, changed = looked_at + counts[0], newly_explained + counts[1], changed + counts[2]
    return RecategoriseResult(looked_at=looked_at, newly_explained=newly_explained, changed=changed)


def transactions_recategorise(
    *, actor: Any, since: dt.date | None = None, only_unexplained: bool = True
) -> RecategoriseResult:
    """Apply the council's merchant rules in force today (and the people's current plans) to transactions
    already imported: unexplained ones by default, or every line posted on or after `since`.

    Lines matched to a known payee, contributions a person recorded and lines staff categorised by hand are
    never changed. Accounts are done in chunks, each in its own transaction, written set-based
    (`_recategorise_chunk`); running it again changes nothing more. One audit event records the counts."""
    result = _recategorise(_recategorise_candidates(since=since, only_unexplained=only_unexplained))
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            event_type=MonitoringEventType.TRANSACTIONS_RECATEGORISED,
            subject=actor,
            summary=(
                f"Merchant rules applied to transactions already imported: {result.looked_at} looked at, "
                f"{result.newly_explained} newly explained"
            ),
            after={
                "since": since,
                "only_unexplained": only_unexplained,
                "looked_at": result.looked_at,
                "newly_explained": result.newly_explained,
                "changed": result.changed,
            },
        )
    return result


@transaction.atomic
def transactions_recategorise_queue(*, actor: Any) -> None:
    """Queue `transactions_recategorise` (unexplained lines, all dates) as a background task, on commit."""
    from dp.monitoring.tasks import transactions_recategorise_task

    actor_id = actor.pk
    transaction.on_commit(lambda: transactions_recategorise_task.enqueue(actor_id))


def plan_transactions_recategorise(*, actor: Any, plan_id: int, since: dt.date) -> RecategoriseResult | None:
    """After a support plan was approved (replacing any plan before it, with its payees and lines), categorise
    the person's transactions posted on or after `since` (the new plan's start) again with it: unexplained
    lines, lines put against a plan line and lines matched to a payee, so a payment to a Personal Assistant
    added to the plan is matched and one to a payee or line no longer in the plan is not. Contributions and
    lines staff categorised by hand are never changed. One audit event on the person records the counts.

    None (nothing done) when the plan is no longer the approved one: the plan that replaced it does its own.
    A person with no direct payment account yet (the usual first plan) has nothing to categorise: no event."""
    plan = SupportPlan.objects.select_related("case__person").get(pk=plan_id)
    if plan.status != PlanStatus.APPROVED:
        logger.info("Plan %s is %s: its transactions are not categorised again", plan_id, plan.status)
        return None
    person = plan.case.person
    account_ids = list(DirectPaymentAccount.objects.filter(person=person).values_list("pk", flat=True))
    if not account_ids:
        return RecategoriseResult(looked_at=0, newly_explained=0, changed=0)  # no account yet: nothing to do
    candidates = _recategorise_candidates(
        since=since, only_unexplained=False, account_ids=account_ids, plan_matches=True
    )
    result = _recategorise(candidates)
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            event_type=MonitoringEventType.TRANSACTIONS_RECATEGORISED,
            subject=plan,
            person=person,
            case=plan.case,
            summary=(
                f"Support plan {plan.version} approved: transactions from {since:%d %B %Y} categorised again, "
                f"{result.looked_at} looked at, {result.newly_explained} newly explained, {result.changed} changed"
            ),
            after={
                "plan": plan.pk,
                "since": since,
                "accounts": account_ids,
                "looked_at": result.looked_at,
                "newly_explained": result.newly_explained,
                "changed": result.changed,
            },
        )
    return result


def plan_transactions_recategorise_queue(*, actor: Any, plan: SupportPlan, since: dt.date) -> None:
    """Queue `plan_transactions_recategorise` in the background when the caller's transaction commits (called by
    `dp.plans.services.plan_approve`; nothing is queued if the approval rolls back)."""
    from dp.monitoring.tasks import plan_transactions_recategorise_task

    actor_id, plan_id, since_text = actor.pk, plan.pk, since.isoformat()
    transaction.on_commit(lambda: plan_transactions_recategorise_task.enqueue(actor_id, plan_id, since_text))


# -- categorising by hand ------------------------------------------------------------------------------------


@transaction.atomic
def transaction_categorise(
    *, actor: Any, transaction_: Transaction, plan_line: PlanLine | None, category: str, reason: str
) -> Transaction:
    """A member of staff puts a transaction against a line of the person's support plan (approved, or replaced
    since) or a spending category, with the reason (`domain.categorise.manual_categorisation`). Categorising
    again (rules applied, a plan approved) never changes it; a contribution the person recorded cannot be
    categorised by hand."""
    line = Transaction.objects.select_for_update().select_related("account__person").get(pk=transaction_.pk)
    if line.contribution_receipt_id is not None:
        raise ValidationFailed(
            "This is a contribution the person paid in, matched to their contribution record: it cannot be "
            "categorised by hand",
            field="plan_line",
        )
    person = line.account.person
    allowed = selectors.plan_lines_for_categorising(line.account)
    if plan_line is not None and not allowed.filter(pk=plan_line.pk).exists():
        raise ValidationFailed("Choose a line of this person's support plan paid by direct payment", field="plan_line")
    if category and category not in SpendCategoryChoice.values:
        raise ValidationFailed("Choose a spending category", field="category")
    result = manual_categorisation(
        amount_pence=line.amount_pence,
        plan_line=(
            PlanLineRef(id=str(plan_line.pk), category=plan_line.category, label=plan_line.description)
            if plan_line is not None
            else None
        ),
        category=SpendCategory(category) if category else None,
        why=reason,
        by=getattr(actor, "display_name", "") or str(actor),
        on=clock.today(),
    )
    before = snapshot(line, CATEGORY_FIELDS)
    for name, value in zip(CATEGORY_FIELDS, _categorisation_row(result), strict=True):
        setattr(line, name, value)
    line.save(update_fields=CATEGORY_FIELDS)
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.TRANSACTION_CATEGORISED,
        subject=line,
        person=person,
        summary=(
            f"Transaction of {format_pence(abs(line.amount_pence))} on {line.posted_on:%d %B %Y} "
            f"({line.shown_text[:80]}) categorised by hand"
        ),
        before=before,
        after={**snapshot(line, CATEGORY_FIELDS), "why": " ".join(reason.split())},
    )
    return line


# -- receipts -----------------------------------------------------------------------------------------------


@transaction.atomic
def receipt_upload(
    *,
    actor: Any,
    file: File,  # type: ignore[type-arg]
    transaction_: Transaction | None = None,
    account: DirectPaymentAccount | None = None,
    period_start_on: dt.date | None = None,
    period_end_on: dt.date | None = None,
    description: str = "",
    amount_pence: int | None = None,
) -> Receipt:
    """Store a receipt against a transaction, or against an account for [period_start_on, period_end_on).

    The type is read from the content (PDF, JPEG or PNG), the size is limited, and the configured
    scanner looks at it before it can be downloaded."""
    max_bytes = receipt_max_bytes()
    size = getattr(file, "size", None) or 0
    if size > max_bytes:
        check_receipt(b"", size_bytes=size, max_bytes=max_bytes)  # raises the size message
    content = file.read(max_bytes + 1)
    content_type = check_receipt(content[:HEAD_BYTES], size_bytes=len(content), max_bytes=max_bytes)
    if transaction_ is not None:
        account = transaction_.account
        period_start_on = period_end_on = None
    elif account is None:
        raise ValidationFailed("Choose the transaction or the account the receipt is for", field="account")
    elif period_start_on is None or period_end_on is None:
        raise ValidationFailed("Enter the dates the receipt covers", field="period_start_on")
    elif period_end_on < period_start_on:
        raise ValidationFailed("The end of the period must be on or after its start", field="period_end_on")
    else:
        period_end_on = period_end_on + dt.timedelta(days=1)  # stored half-open: [start, end)
    if amount_pence is not None and amount_pence < 0:
        raise ValidationFailed("Enter an amount of £0 or more", field="amount_pence")
    sha256 = hashlib.sha256(content).hexdigest()
    receipt = Receipt(
        original_name=(getattr(file, "name", "") or "receipt").rsplit("/", 1)[-1][:255],
        content_type=content_type,
        size_bytes=len(content),
        sha256=sha256,
        transaction=transaction_,
        account=account,
        period_start_on=period_start_on,
        period_end_on=period_end_on,
        description=description.strip()[:300],
        amount_pence=amount_pence,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    result = receipt_scanner().scan(content, content_type)
    receipt.scan_status = ScanStatus.CLEAN if result.clean else ScanStatus.REJECTED
    receipt.scan_detail = result.detail[:300]
    receipt.file.save(sha256, ContentFile(content), save=False)
    receipt.save()
    what = (
        f"transaction of {format_pence(-transaction_.amount_pence)} on {transaction_.posted_on:%d %B %Y}"
        if transaction_ is not None
        else "a period"
    )
    audit_event_record(
        actor=actor,
        event_type=MonitoringEventType.RECEIPT_UPLOADED,
        subject=receipt,
        person=account.person if account is not None else None,
        summary=f"Receipt {receipt.original_name} uploaded for {what} ({receipt.get_scan_status_display()})",
        after={"sha256": sha256, "content_type": content_type, "scan_status": receipt.scan_status},
    )
    return receipt
