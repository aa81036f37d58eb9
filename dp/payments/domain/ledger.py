"""Double-entry journals for direct-payment money, built before they are posted.

Design overview
---------------
The ledger (the `ledger` app, after django-hordak) stores journals of legs; each leg debits or
credits one account by a positive number of pence, every journal's debits equal its credits
(the database refuses anything else), and posted entries are never changed: a correction is a
reversing journal. This module builds those journals as plain values (`JournalDraft`), so every
rule about which accounts move, and by how much, is pure and tested in milliseconds. Posting is
a service's job.

Chart of accounts
~~~~~~~~~~~~~~~~~
Account keys are strings; `person:<ref>:...` accounts exist once per person.

=================================== ======== ====================================================
key                                 normal   what its balance means
=================================== ======== ====================================================
``council:dp_funding``              credit   the council's money put into direct payments, net of
                                             what came back (contributions invoiced under the
                                             gross basis and paid, recoveries received)
``council:contributions_charged``   credit   contributions assessed and charged to people: the
                                             people's share of their personal budgets
``transit:bank``                    debit    Bacs credits sent but not yet in people's accounts
``transit:card_provider``           debit    loads sent to the card provider, not yet on cards
``person:<ref>:dp_account``         debit    money in the person's direct payment account (bank
                                             or card) that is theirs to spend on their care
``person:<ref>:contributions_due``  debit    contribution the person owes and has not paid
``person:<ref>:recoveries_due``     debit    money in the person's account that the council has
                                             asked back (surplus, overpayment) and not received
=================================== ======== ====================================================

The journals (DP-PAY-01 net and gross basis, RULES.md §1.6; DP-REP-01 recovery, §1.5):

* **council payment sent**: Dr transit (bank or card provider), Cr `council:dp_funding`, for the
  net amount (budget - contribution, never below zero) or the gross amount (the whole budget);
* **payment arrived**: Dr `person:dp_account`, Cr transit. **Payment returned** (a rejected
  Bacs credit): Dr `council:dp_funding`, Cr transit;
* **contribution due**: Dr `person:contributions_due`, Cr `council:contributions_charged`;
* **contribution received**: net basis, the person pays into their own account: Dr
  `person:dp_account`, Cr `person:contributions_due`; gross basis, the person pays the
  council's invoice: Dr `council:dp_funding`, Cr `person:contributions_due`;
* **contribution refunded** (contribution the person overpaid goes back to them before the council
  recovers anything, RULES.md §4 Gateshead; CALCULATE.md `surplus` `refund_to_person_pence`): net
  basis, out of their direct payment account: Dr `person:contributions_due`, Cr
  `person:dp_account`; gross basis, from the council: Dr `person:contributions_due`, Cr
  `council:dp_funding`;
* **recovery raised**: Dr `person:recoveries_due`, Cr `person:dp_account` (the money stops being
  the person's to spend; it is still in their account until repaid, so the account's bank
  balance reconciles to `dp_account + recoveries_due`);
* **recovery received**: Dr `council:dp_funding`, Cr `person:recoveries_due`; **recovery
  offset** (recovered by reducing the next payment instead, DP-REP-01): Dr `person:dp_account`,
  Cr `person:recoveries_due`, beside a payment journal for the reduced amount;
* **deductions repaid** (a recovery overturned on review after instalments were deducted): Dr
  `person:recoveries_due`, Cr `person:dp_account`, beside a one-off payment of the same amount.

For a payment run (set-based, see `dp.payments.services_run`):

* **payments sent**: one journal per chunk of a run, Dr each transit account by what the chunk sends
  through it, Cr `council:dp_funding` by the total (`build_payments_sent`): the sum of
  `build_council_payment` over the chunk's payments, which never touch a person's account;
* **payment settled** on the pay date, one journal per payment (`build_payment_settled`): the money
  arrived (Dr `person:dp_account`, Cr transit) and the period's contribution fell due (Dr
  `person:contributions_due`, Cr `council:contributions_charged`; a negative contribution
  adjustment swaps the two).

Either basis ends a fully paid period the same way: the person's account has received the whole
budget, and `council:dp_funding` + `council:contributions_charged` together hold the budget.

Reversal swaps every leg's sides and flips `reversal`; reversing twice gives back the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from dp.core.errors import ValidationFailed
from dp.payments.domain.schedule import Basis, council_payment

Channel = Literal["bank", "card_provider"]

COUNCIL_DP_FUNDING = "council:dp_funding"
COUNCIL_CONTRIBUTIONS_CHARGED = "council:contributions_charged"
TRANSIT_BANK = "transit:bank"
TRANSIT_CARD_PROVIDER = "transit:card_provider"

_PERSON_REF = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")


def _person(ref: int | str) -> str:
    text = str(ref)
    if isinstance(ref, bool) or not _PERSON_REF.match(text):
        raise ValidationFailed("A person's ledger reference must be letters, digits, - or _", field="person")
    return text


def person_dp_account(ref: int | str) -> str:
    return f"person:{_person(ref)}:dp_account"


def person_contributions_due(ref: int | str) -> str:
    return f"person:{_person(ref)}:contributions_due"


def person_recoveries_due(ref: int | str) -> str:
    return f"person:{_person(ref)}:recoveries_due"


def transit_account(channel: Channel) -> str:
    if channel == "bank":
        return TRANSIT_BANK
    if channel == "card_provider":
        return TRANSIT_CARD_PROVIDER
    raise ValidationFailed('The channel must be "bank" or "card_provider"', field="channel")


@dataclass(frozen=True)
class Leg:
    """One side of a journal: exactly one of debit and credit is positive, the other zero."""

    account: str
    debit_pence: int = 0
    credit_pence: int = 0

    def __post_init__(self) -> None:
        if not self.account:
            raise ValidationFailed("A leg needs an account", field="account")
        if self.debit_pence < 0 or self.credit_pence < 0:
            raise ValidationFailed("A leg's amounts must not be negative", field="amount_pence")
        if (self.debit_pence > 0) == (self.credit_pence > 0):
            raise ValidationFailed("A leg is either a debit or a credit, of more than nothing", field="amount_pence")

    @classmethod
    def debit(cls, account: str, pence: int) -> Leg:
        return cls(account=account, debit_pence=pence)

    @classmethod
    def credit(cls, account: str, pence: int) -> Leg:
        return cls(account=account, credit_pence=pence)

    def swapped(self) -> Leg:
        return Leg(account=self.account, debit_pence=self.credit_pence, credit_pence=self.debit_pence)


@dataclass(frozen=True)
class JournalDraft:
    """A journal ready to post: what happened, and its legs."""

    description: str
    legs: tuple[Leg, ...]
    reversal: bool = False

    @property
    def debit_pence(self) -> int:
        return sum(leg.debit_pence for leg in self.legs)

    @property
    def credit_pence(self) -> int:
        return sum(leg.credit_pence for leg in self.legs)


def is_balanced(journal: JournalDraft) -> bool:
    """True when the journal has legs and its debits equal its credits (double entry)."""
    return bool(journal.legs) and journal.debit_pence == journal.credit_pence


def reverse(journal: JournalDraft) -> JournalDraft:
    """The correcting journal: the same legs with sides swapped. `reverse(reverse(j)) == j`."""
    return JournalDraft(
        description=journal.description,
        legs=tuple(leg.swapped() for leg in journal.legs),
        reversal=not journal.reversal,
    )


def net_movements(journals: Iterable[JournalDraft]) -> dict[str, int]:
    """Debits less credits per account over some journals (accounts netting to zero left out)."""
    totals: dict[str, int] = {}
    for journal in journals:
        for leg in journal.legs:
            totals[leg.account] = totals.get(leg.account, 0) + leg.debit_pence - leg.credit_pence
    return {account: amount for account, amount in totals.items() if amount}


def _transfer(description: str, *, debit: str, credit: str, amount_pence: int) -> JournalDraft:
    if amount_pence <= 0:
        raise ValidationFailed("A journal must move more than nothing", field="amount_pence")
    return JournalDraft(
        description=description, legs=(Leg.debit(debit, amount_pence), Leg.credit(credit, amount_pence))
    )


def build_council_payment(
    *,
    person: int | str,
    budget_pence: int,
    contribution_pence: int,
    basis: Basis,
    channel: Channel,
    description: str = "Direct payment sent",
) -> JournalDraft:
    """The council's payment leaving for a person's account: net or gross (DP-PAY-01).

    Net: budget less contribution, never below zero. Gross: the whole budget. A period with
    nothing to pay has no journal (ValidationFailed).
    """
    if budget_pence < 0 or contribution_pence < 0:
        raise ValidationFailed("Amounts must not be negative", field="amount_pence")
    person_ref = _person(person)
    amount = council_payment(budget_pence, min(contribution_pence, budget_pence), basis)
    return _transfer(
        f"{description} ({basis} basis) for person {person_ref}",
        debit=transit_account(channel),
        credit=COUNCIL_DP_FUNDING,
        amount_pence=amount,
    )


def build_payment_arrived(*, person: int | str, amount_pence: int, channel: Channel) -> JournalDraft:
    """The money sent is in the person's account (Bacs processing done, or card loaded)."""
    return _transfer(
        f"Direct payment arrived for person {_person(person)}",
        debit=person_dp_account(person),
        credit=transit_account(channel),
        amount_pence=amount_pence,
    )


def build_payment_returned(*, amount_pence: int, channel: Channel, description: str) -> JournalDraft:
    """A payment that never arrived (a rejected Bacs credit, a failed load) comes back to the council."""
    return _transfer(description, debit=COUNCIL_DP_FUNDING, credit=transit_account(channel), amount_pence=amount_pence)


def build_contribution_due(*, person: int | str, amount_pence: int) -> JournalDraft:
    """A period's assessed contribution falls due (Care Act 2014 s.14; DP-PAY-01)."""
    return _transfer(
        f"Contribution due from person {_person(person)}",
        debit=person_contributions_due(person),
        credit=COUNCIL_CONTRIBUTIONS_CHARGED,
        amount_pence=amount_pence,
    )


def build_contribution_received(*, person: int | str, amount_pence: int, basis: Basis) -> JournalDraft:
    """The person paid contribution: into their own account (net) or to the council (gross). DP-PAY-01."""
    if basis == "net":
        return _transfer(
            f"Contribution paid into the direct payment account by person {_person(person)}",
            debit=person_dp_account(person),
            credit=person_contributions_due(person),
            amount_pence=amount_pence,
        )
    return _transfer(
        f"Contribution paid to the council by person {_person(person)}",
        debit=COUNCIL_DP_FUNDING,
        credit=person_contributions_due(person),
        amount_pence=amount_pence,
    )


def build_contribution_refunded(*, person: int | str, amount_pence: int, basis: Basis) -> JournalDraft:
    """Overpaid contribution goes back to the person, before any recovery (RULES.md §4 Gateshead; DP-PAY-01).

    Net basis: paid out of the direct payment account, where the person paid it in. Gross basis:
    repaid by the council, which collected it. Not a reversal: the contribution was received
    correctly; more was paid than was due.
    """
    if basis == "net":
        return _transfer(
            f"Overpaid contribution refunded from the direct payment account to person {_person(person)}",
            debit=person_contributions_due(person),
            credit=person_dp_account(person),
            amount_pence=amount_pence,
        )
    return _transfer(
        f"Overpaid contribution refunded by the council to person {_person(person)}",
        debit=person_contributions_due(person),
        credit=COUNCIL_DP_FUNDING,
        amount_pence=amount_pence,
    )


def build_recovery_raised(*, person: int | str, amount_pence: int) -> JournalDraft:
    """The council asks for money back (surplus or overpayment). DP-REP-01, DP-TERM-02 (local policy)."""
    return _transfer(
        f"Recovery raised for person {_person(person)}",
        debit=person_recoveries_due(person),
        credit=person_dp_account(person),
        amount_pence=amount_pence,
    )


def build_recovery_received(*, person: int | str, amount_pence: int) -> JournalDraft:
    """The money asked back has reached the council. DP-REP-01."""
    return _transfer(
        f"Recovery received from person {_person(person)}",
        debit=COUNCIL_DP_FUNDING,
        credit=person_recoveries_due(person),
        amount_pence=amount_pence,
    )


def build_recovery_offset(*, person: int | str, amount_pence: int) -> JournalDraft:
    """A recovery settled by paying less next time: the set-aside money becomes spendable again. DP-REP-01."""
    return _transfer(
        f"Recovery settled by reducing a payment to person {_person(person)}",
        debit=person_dp_account(person),
        credit=person_recoveries_due(person),
        amount_pence=amount_pence,
    )


def build_deductions_repaid(*, person: int | str, amount_pence: int) -> JournalDraft:
    """Deductions taken to recover money whose recovery was then overturned on review are being paid back: what
    the council owed the person (a credit balance on `recoveries_due` left by the offsets once the recovery was
    reversed) is cleared, and the repayment itself reaches `dp_account` as a one-off payment. DP-REP-01 (a review
    that overturns a recovery gives back what was taken)."""
    return _transfer(
        f"Deductions repaid to person {_person(person)} after a recovery was overturned",
        debit=person_recoveries_due(person),
        credit=person_dp_account(person),
        amount_pence=amount_pence,
    )


def build_payments_sent(*, totals: Mapping[Channel, int], description: str) -> JournalDraft:
    """Council funding leaving for the transit accounts, for a batch of payments: the sum of their
    `build_council_payment` journals (none of which touches a person's account). DP-PAY-01/02."""
    legs = [Leg.debit(transit_account(channel), amount) for channel, amount in sorted(totals.items()) if amount]
    if any(amount < 0 for amount in totals.values()):
        raise ValidationFailed("Amounts must not be negative", field="amount_pence")
    total = sum(totals.values())
    if total <= 0:
        raise ValidationFailed("A journal must move more than nothing", field="amount_pence")
    return JournalDraft(description=description, legs=(*legs, Leg.credit(COUNCIL_DP_FUNDING, total)))


def build_payment_settled(
    *, person: int | str, amount_pence: int, channel: Channel, contribution_due_pence: int, description: str
) -> JournalDraft:
    """A payment's period on its pay date: the money sent is in the person's account, and the period's
    contribution falls due (negative: an earlier contribution is reduced). DP-PAY-01."""
    if amount_pence < 0:
        raise ValidationFailed("Amounts must not be negative", field="amount_pence")
    legs: list[Leg] = []
    if amount_pence:
        legs += [Leg.debit(person_dp_account(person), amount_pence), Leg.credit(transit_account(channel), amount_pence)]
    if contribution_due_pence > 0:
        legs += [
            Leg.debit(person_contributions_due(person), contribution_due_pence),
            Leg.credit(COUNCIL_CONTRIBUTIONS_CHARGED, contribution_due_pence),
        ]
    elif contribution_due_pence < 0:
        legs += [
            Leg.debit(COUNCIL_CONTRIBUTIONS_CHARGED, -contribution_due_pence),
            Leg.credit(person_contributions_due(person), -contribution_due_pence),
        ]
    if not legs:
        raise ValidationFailed("A journal must move more than nothing", field="amount_pence")
    return JournalDraft(description=description, legs=tuple(legs))
