"""What people are sent about their money: remittance advices, monthly statements and the running
position of their contributions.

Design overview
---------------
All three are built from plain values a selector gathers (payments, ledger movements, contributions
due and received) and are the same wherever they are shown: on a staff page, in a PDF, or in the
run's remittance file.

* A **remittance advice** tells a payee what a payment run paid them and why: one line per payment,
  with any adjustment and its reason, and any amount taken off to repay the council and why. A money
  manager gets one advice listing each client's payment.
* A **monthly statement** of a direct payment account, in plain English: the balance at the start of
  the month, money paid in by the council and by the person (their contribution), money spent, and
  the balance at the end. The balance is the account's ledger balance (`person:<id>:dp_account`),
  so opening + in - out = closing always (checked).
* The **contribution position**: each period's contribution due and each payment received, in date
  order, with the running amount owed. Arrears are what is owed for periods that have started
  (RULES.md §4 "Missed contributions": audits check the contribution was paid in).

Pure: no Django, no database, no clock. Money is `int` pence.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dp.core.money import format_pence

# -- remittance advice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemittanceLine:
    reference: str
    description: str
    amount_pence: int
    adjustment_pence: int = 0
    adjustment_reason: str = ""
    client: str = ""  # a money manager's client
    recovery_pence: int = 0  # taken off to repay the council (a recovery deduction)
    recovery_reason: str = ""


@dataclass(frozen=True)
class RemittanceAdvice:
    payee_name: str
    pay_on: dt.date
    payer: str
    run_reference: str
    lines: tuple[RemittanceLine, ...]

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)


@functools.lru_cache(maxsize=512)
def _long_date(on: dt.date) -> str:
    return f"{on.day} {on:%B %Y}"


def remittance_text(advice: RemittanceAdvice) -> str:
    """A plain-text remittance advice (one per payee; the run's remittance file joins them)."""
    out = [
        "REMITTANCE ADVICE",
        f"From: {advice.payer}",
        f"To: {advice.payee_name}",
        f"Payment run: {advice.run_reference}",
        f"The money arrives on {_long_date(advice.pay_on)}.",
        "",
    ]
    first = advice.lines[0] if len(advice.lines) == 1 else None
    if first is not None and not first.adjustment_pence and not first.client and not first.recovery_pence:
        # The usual case (a person with one payment), written directly: a run writes hundreds of thousands.
        line = advice.lines[0]
        amount = format_pence(line.amount_pence)
        out += [f"{line.reference}  {line.description}: {amount}", "", f"Total: {amount}"]
        return "\n".join(out) + "\n"
    for line in advice.lines:
        who = f"{line.client}: " if line.client else ""
        out.append(f"{line.reference}  {who}{line.description}: {format_pence(line.amount_pence)}")
        if line.adjustment_pence:
            change = "added" if line.adjustment_pence > 0 else "taken off"
            out.append(f"    {format_pence(abs(line.adjustment_pence))} {change}: {line.adjustment_reason}")
        if line.recovery_pence:
            out.append(
                f"    {format_pence(line.recovery_pence)} taken off to repay the council: {line.recovery_reason}"
            )
    out.append("")
    out.append(f"Total: {format_pence(advice.total_pence)}")
    return "\n".join(out) + "\n"


def remittance_texts(
    *, payer: str, run_reference: str, pay_on: dt.date, payees: Iterable[tuple[str, Sequence[RemittanceLine]]]
) -> list[str]:
    """`remittance_text` of each payee's advice in a run (same payer, run and date for all), in order.

    A run writes one advice per payee, hundreds of thousands of them, most for one plain payment: those
    are written from a header made once, the rest by `remittance_text` (tested to give the same text)."""
    head = f"REMITTANCE ADVICE\nFrom: {payer}\nTo: "
    tail = f"\nPayment run: {run_reference}\nThe money arrives on {_long_date(pay_on)}.\n\n"
    texts = []
    for name, lines in payees:
        if len(lines) == 1:
            line = lines[0]
            if not line.adjustment_pence and not line.client and not line.recovery_pence:
                amount = format_pence(line.amount_pence)
                texts.append(f"{head}{name}{tail}{line.reference}  {line.description}: {amount}\n\nTotal: {amount}\n")
                continue
        texts.append(
            remittance_text(
                RemittanceAdvice(
                    payee_name=name, pay_on=pay_on, payer=payer, run_reference=run_reference, lines=tuple(lines)
                )
            )
        )
    return texts


# -- monthly statement ------------------------------------------------------------------------------

COUNCIL = "council"
CONTRIBUTION = "contribution"
SPENDING = "spending"
SET_ASIDE = "set_aside"
REPAID_BY_DEDUCTION = "repaid_by_deduction"  # money set aside, repaid by a smaller council payment
OTHER = "other"


@dataclass(frozen=True)
class Movement:
    """One posting on the account: positive `amount_pence` is money in, negative money out."""

    on: dt.date
    description: str
    amount_pence: int
    kind: str = OTHER


@dataclass(frozen=True)
class MonthlyStatement:
    first_day: dt.date
    last_day: dt.date
    opening_pence: int
    movements: tuple[Movement, ...]

    def _sum(self, kind: str, *, sign: int) -> int:
        return sum(m.amount_pence for m in self.movements if m.kind == kind and m.amount_pence * sign > 0)

    @property
    def council_in_pence(self) -> int:
        return self._sum(COUNCIL, sign=1)

    @property
    def contribution_in_pence(self) -> int:
        return self._sum(CONTRIBUTION, sign=1)

    @property
    def repaid_by_deduction_pence(self) -> int:
        return self._sum(REPAID_BY_DEDUCTION, sign=1)

    @property
    def other_in_pence(self) -> int:
        return sum(m.amount_pence for m in self.movements if m.amount_pence > 0) - (
            self.council_in_pence + self.contribution_in_pence + self.repaid_by_deduction_pence
        )

    @property
    def spending_pence(self) -> int:
        return -self._sum(SPENDING, sign=-1)

    @property
    def other_out_pence(self) -> int:
        return -sum(m.amount_pence for m in self.movements if m.amount_pence < 0) - self.spending_pence

    @property
    def closing_pence(self) -> int:
        return self.opening_pence + sum(m.amount_pence for m in self.movements)

    def summary(self) -> list[str]:
        """The statement in plain English, one sentence a line."""
        lines = [
            f"On {_long_date(self.first_day)} there was {format_pence(self.opening_pence)} in the account.",
            f"The council paid in {format_pence(self.council_in_pence)}.",
            f"You paid in {format_pence(self.contribution_in_pence)} of your contribution.",
        ]
        if self.repaid_by_deduction_pence:
            lines.append(
                f"{format_pence(self.repaid_by_deduction_pence)} set aside to pay back to the council was repaid by "
                "taking it off the council's payment, so it is yours to spend again."
            )
        if self.other_in_pence:
            lines.append(f"Other money in: {format_pence(self.other_in_pence)}.")
        if self.spending_pence:
            lines.append(f"You spent {format_pence(self.spending_pence)}.")
        else:
            lines.append("No spending is shown yet: spending will come from the account's statements.")
        if self.other_out_pence:
            lines.append(f"{format_pence(self.other_out_pence)} was set aside to pay back to the council.")
        lines.append(f"On {_long_date(self.last_day)} there was {format_pence(self.closing_pence)} in the account.")
        return lines


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def build_statement(*, year: int, month: int, opening_pence: int, movements: Iterable[Movement]) -> MonthlyStatement:
    """The statement for a calendar month; movements outside it are refused (a selector bug)."""
    first, last = month_bounds(year, month)
    kept = tuple(sorted(movements, key=lambda m: m.on))
    for m in kept:
        if not first <= m.on <= last:
            raise ValueError(f"A movement on {m.on.isoformat()} is not in {first:%B %Y}.")
    return MonthlyStatement(first_day=first, last_day=last, opening_pence=opening_pence, movements=kept)


# -- contribution position --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionItem:
    """A period's contribution falling due (`due_pence`, negative for a reduction) or a payment received."""

    on: dt.date
    description: str
    due_pence: int = 0
    received_pence: int = 0


@dataclass(frozen=True)
class PositionRow:
    item: ContributionItem
    owed_after_pence: int


@dataclass(frozen=True)
class ContributionPosition:
    rows: tuple[PositionRow, ...]
    due_pence: int
    received_pence: int

    @property
    def owed_pence(self) -> int:
        """Positive: the person is in arrears. Negative: they have paid ahead (in credit)."""
        return self.due_pence - self.received_pence

    @property
    def arrears_pence(self) -> int:
        return max(self.owed_pence, 0)

    @property
    def credit_pence(self) -> int:
        return max(-self.owed_pence, 0)


def contribution_position(items: Sequence[ContributionItem]) -> ContributionPosition:
    """Items in date order (dues before receipts on the same day) with the running amount owed."""
    ordered = sorted(items, key=lambda i: (i.on, 0 if i.due_pence else 1))
    owed = 0
    rows = []
    for item in ordered:
        owed += item.due_pence - item.received_pence
        rows.append(PositionRow(item=item, owed_after_pence=owed))
    return ContributionPosition(
        rows=tuple(rows),
        due_pence=sum(i.due_pence for i in items),
        received_pence=sum(i.received_pence for i in items),
    )
