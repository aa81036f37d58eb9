"""Putting each statement transaction against a line of the person's support plan.

Design overview
---------------
Direct payments may only be spent on the needs in the support plan (Care Act 2014 s.33(3),
RULES.md DP-USE-01), used flexibly (DP-USE-02). To monitor that proportionately, each
transaction is matched, in this order, to:

1. **a known payee**: a Personal Assistant, care agency, provider, payroll service, HMRC,
   insurer or the council, recognised by the names and bank references the council records for
   them (`KnownPayee.names`), compared after normalising (`normalise_words`: case, accents,
   punctuation, "&", "Ltd"/"Limited"/"PLC" ignored) as a run of whole words anywhere in the
   merchant name or description; the most specific (longest) match wins, and a tie between
   different payees is reported as ambiguous rather than guessed;
2. **a council merchant rule** (`MerchantRule`, data the council edits: words to look for, and
   the category or plan line they mean), first match in the order given; put a person's own
   rules before the council-wide ones;
3. **the merchant category code** (MCC) the card scheme gives card transactions, through
   `MCC_CATEGORIES` (the codes from the card schemes' published MCC lists, ISO 18245; which of
   these categories a council allows is its policy, passed to the monitoring rules, not decided
   here: RULES.md §8 item 5 found no official block list);
4. **built-in wording** for bank statements without MCCs: cash machine withdrawals, bank
   charges, HMRC (`BUILTIN_RULES`).

A category becomes a plan line through `PLAN_CATEGORIES_FOR_SPEND` (for example personal care
can be the care agency line); a payee or rule can name the plan line directly. The result,
`Categorisation`, says which, how it was matched and why, in plain English. Money in is
``money_in``; cash withdrawals are ``cash`` (their receipts are checked by the cash rules);
anything else that does not reach a plan line is ``unexplained``, with the reason.

Pure: no Django, no database. Runs once per line at import and again when the plan, payees or
rules change.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Literal, Protocol

from dp.assessments.domain.plan_checks import ItemCategory
from dp.core.errors import ValidationFailed


class SpendCategory(StrEnum):
    """What a transaction paid for. Values are stored: never rename one."""

    PERSONAL_ASSISTANT = "personal_assistant"
    CARE_AGENCY = "care_agency"
    PERSONAL_CARE = "personal_care"
    EMPLOYMENT_COSTS = "employment_costs"
    INSURANCE = "insurance"
    HEALTH = "health"
    PHARMACY = "pharmacy"
    EQUIPMENT = "equipment"
    SOCIAL_CARE_AND_COMMUNITY = "social_care_and_community"
    LEISURE = "leisure"
    EDUCATION = "education"
    TRANSPORT = "transport"
    GROCERIES = "groceries"
    EATING_OUT = "eating_out"
    ALCOHOL = "alcohol"
    TOBACCO = "tobacco"
    GAMBLING = "gambling"
    ADULT_SERVICES = "adult_services"
    CASH_WITHDRAWAL = "cash_withdrawal"
    CASH_EQUIVALENT = "cash_equivalent"
    HOUSEHOLD_BILLS = "household_bills"
    GENERAL_RETAIL = "general_retail"
    BANK_CHARGES = "bank_charges"
    MONEY_IN = "money_in"


CATEGORY_LABELS: Mapping[SpendCategory, str] = {
    SpendCategory.PERSONAL_ASSISTANT: "Personal Assistant",
    SpendCategory.CARE_AGENCY: "Care or staffing agency",
    SpendCategory.PERSONAL_CARE: "Nursing and personal care",
    SpendCategory.EMPLOYMENT_COSTS: "Payroll, tax and accountancy for employing",
    SpendCategory.INSURANCE: "Insurance",
    SpendCategory.HEALTH: "Health services",
    SpendCategory.PHARMACY: "Pharmacy",
    SpendCategory.EQUIPMENT: "Care and mobility equipment",
    SpendCategory.SOCIAL_CARE_AND_COMMUNITY: "Day care, social and community services",
    SpendCategory.LEISURE: "Leisure and activities",
    SpendCategory.EDUCATION: "Education and courses",
    SpendCategory.TRANSPORT: "Transport",
    SpendCategory.GROCERIES: "Food shopping",
    SpendCategory.EATING_OUT: "Eating out",
    SpendCategory.ALCOHOL: "Alcohol (bars and off-licences)",
    SpendCategory.TOBACCO: "Tobacco",
    SpendCategory.GAMBLING: "Gambling",
    SpendCategory.ADULT_SERVICES: "Dating and escort services",
    SpendCategory.CASH_WITHDRAWAL: "Cash withdrawal",
    SpendCategory.CASH_EQUIVALENT: "Money transfers and cash equivalents",
    SpendCategory.HOUSEHOLD_BILLS: "Household bills",
    SpendCategory.GENERAL_RETAIL: "General shopping",
    SpendCategory.BANK_CHARGES: "Bank charges",
    SpendCategory.MONEY_IN: "Money in",
}

_C = SpendCategory

#: Merchant category code -> (category, the card schemes' name for the code).
MCC_CATEGORIES: Mapping[str, tuple[SpendCategory, str]] = {
    "6010": (_C.CASH_WITHDRAWAL, "Financial institutions, manual cash disbursements"),
    "6011": (_C.CASH_WITHDRAWAL, "Automated cash disbursements (cash machines)"),
    "6012": (_C.CASH_EQUIVALENT, "Financial institutions, merchandise and services"),
    "6051": (_C.CASH_EQUIVALENT, "Quasi cash: foreign currency, money orders, travellers' cheques"),
    "6540": (_C.CASH_EQUIVALENT, "Stored value card purchase or load"),
    "4829": (_C.CASH_EQUIVALENT, "Money transfers"),
    "7995": (_C.GAMBLING, "Betting, including lottery tickets, casino chips and off-track betting"),
    "7800": (_C.GAMBLING, "Government-owned lotteries"),
    "7801": (_C.GAMBLING, "Government-licensed online casinos"),
    "7802": (_C.GAMBLING, "Government-licensed horse and dog racing"),
    "9406": (_C.GAMBLING, "Government-owned lotteries (outside the US)"),
    "5813": (_C.ALCOHOL, "Drinking places: bars, pubs, nightclubs"),
    "5921": (_C.ALCOHOL, "Package stores: beer, wine and liquor"),
    "5993": (_C.TOBACCO, "Cigar stores and stands"),
    "7273": (_C.ADULT_SERVICES, "Dating and escort services"),
    "8050": (_C.PERSONAL_CARE, "Nursing and personal care facilities"),
    "7361": (_C.CARE_AGENCY, "Employment agencies and temporary help services"),
    "8931": (_C.EMPLOYMENT_COSTS, "Accounting, auditing and bookkeeping services"),
    "9311": (_C.EMPLOYMENT_COSTS, "Tax payments"),
    "6300": (_C.INSURANCE, "Insurance sales, underwriting and premiums"),
    "5960": (_C.INSURANCE, "Direct marketing: insurance services"),
    "8011": (_C.HEALTH, "Doctors and physicians"),
    "8021": (_C.HEALTH, "Dentists and orthodontists"),
    "8031": (_C.HEALTH, "Osteopaths"),
    "8041": (_C.HEALTH, "Chiropractors"),
    "8042": (_C.HEALTH, "Optometrists and ophthalmologists"),
    "8043": (_C.HEALTH, "Opticians and eyeglasses"),
    "8049": (_C.HEALTH, "Podiatrists and chiropodists"),
    "8062": (_C.HEALTH, "Hospitals"),
    "8071": (_C.HEALTH, "Medical and dental laboratories"),
    "8099": (_C.HEALTH, "Medical services and health practitioners"),
    "5912": (_C.PHARMACY, "Drug stores and pharmacies"),
    "5122": (_C.PHARMACY, "Drugs, drug proprietaries and druggists' sundries"),
    "5047": (_C.EQUIPMENT, "Medical, dental, ophthalmic and hospital equipment and supplies"),
    "5975": (_C.EQUIPMENT, "Hearing aids: sales, service and supplies"),
    "5976": (_C.EQUIPMENT, "Orthopaedic goods and prosthetic devices"),
    "8351": (_C.SOCIAL_CARE_AND_COMMUNITY, "Child care services"),
    "8398": (_C.SOCIAL_CARE_AND_COMMUNITY, "Charitable and social service organisations"),
    "8641": (_C.SOCIAL_CARE_AND_COMMUNITY, "Civic, social and fraternal associations"),
    "7032": (_C.LEISURE, "Sporting and recreational camps"),
    "7832": (_C.LEISURE, "Cinemas"),
    "7911": (_C.LEISURE, "Dance halls, studios and schools"),
    "7922": (_C.LEISURE, "Theatrical producers and ticket agencies"),
    "7929": (_C.LEISURE, "Bands, orchestras and entertainers"),
    "7933": (_C.LEISURE, "Bowling alleys"),
    "7941": (_C.LEISURE, "Sports clubs, fields and promoters"),
    "7991": (_C.LEISURE, "Tourist attractions and exhibits"),
    "7996": (_C.LEISURE, "Amusement parks, circuses and fairs"),
    "7997": (_C.LEISURE, "Membership clubs: sports, recreation, athletic; swimming pools"),
    "7998": (_C.LEISURE, "Aquariums, dolphinariums and zoos"),
    "7999": (_C.LEISURE, "Recreation services"),
    "8211": (_C.EDUCATION, "Elementary and secondary schools"),
    "8220": (_C.EDUCATION, "Colleges and universities"),
    "8241": (_C.EDUCATION, "Correspondence schools"),
    "8244": (_C.EDUCATION, "Business and secretarial schools"),
    "8249": (_C.EDUCATION, "Vocational and trade schools"),
    "8299": (_C.EDUCATION, "Schools and educational services"),
    "4111": (_C.TRANSPORT, "Local and suburban commuter transport"),
    "4112": (_C.TRANSPORT, "Passenger railways"),
    "4121": (_C.TRANSPORT, "Taxis and limousines"),
    "4131": (_C.TRANSPORT, "Bus lines"),
    "4784": (_C.TRANSPORT, "Tolls and bridge fees"),
    "5541": (_C.TRANSPORT, "Service stations"),
    "5542": (_C.TRANSPORT, "Automated fuel dispensers"),
    "7523": (_C.TRANSPORT, "Car parks and garages"),
    "5411": (_C.GROCERIES, "Grocery stores and supermarkets"),
    "5422": (_C.GROCERIES, "Freezer and locker meat provisioners"),
    "5441": (_C.GROCERIES, "Candy, nut and confectionery stores"),
    "5451": (_C.GROCERIES, "Dairy products stores"),
    "5462": (_C.GROCERIES, "Bakeries"),
    "5499": (_C.GROCERIES, "Miscellaneous food stores"),
    "5812": (_C.EATING_OUT, "Eating places and restaurants"),
    "5814": (_C.EATING_OUT, "Fast food restaurants"),
    "4814": (_C.HOUSEHOLD_BILLS, "Telecommunication services"),
    "4899": (_C.HOUSEHOLD_BILLS, "Cable, satellite and pay television"),
    "4900": (_C.HOUSEHOLD_BILLS, "Utilities: electric, gas, water, sanitary"),
    "6513": (_C.HOUSEHOLD_BILLS, "Real estate agents and managers: rentals"),
    "5300": (_C.GENERAL_RETAIL, "Wholesale clubs"),
    "5310": (_C.GENERAL_RETAIL, "Discount stores"),
    "5311": (_C.GENERAL_RETAIL, "Department stores"),
    "5331": (_C.GENERAL_RETAIL, "Variety stores"),
    "5399": (_C.GENERAL_RETAIL, "Miscellaneous general merchandise"),
    "5712": (_C.GENERAL_RETAIL, "Furniture and home furnishings stores"),
    "5732": (_C.GENERAL_RETAIL, "Electronics stores"),
    "5999": (_C.GENERAL_RETAIL, "Miscellaneous and specialty retail stores"),
}

_P = ItemCategory

#: Which kinds of support plan line (RULES.md §1.4 categories) a spending category can explain.
PLAN_CATEGORIES_FOR_SPEND: Mapping[SpendCategory, frozenset[str]] = {
    _C.PERSONAL_ASSISTANT: frozenset({_P.PERSONAL_ASSISTANT}),
    _C.EMPLOYMENT_COSTS: frozenset({_P.PERSONAL_ASSISTANT}),
    _C.INSURANCE: frozenset({_P.PERSONAL_ASSISTANT}),  # employer's liability insurance (PA-INS-01)
    _C.CARE_AGENCY: frozenset({_P.CARE_AGENCY}),
    _C.PERSONAL_CARE: frozenset({_P.CARE_AGENCY, _P.SHORT_STAY_IN_CARE_HOME}),
    _C.SOCIAL_CARE_AND_COMMUNITY: frozenset({_P.DAY_OPPORTUNITY, _P.ACTIVITY}),
    _C.LEISURE: frozenset({_P.ACTIVITY, _P.DAY_OPPORTUNITY}),
    _C.EDUCATION: frozenset({_P.ACTIVITY, _P.DAY_OPPORTUNITY}),
    _C.TRANSPORT: frozenset({_P.ACTIVITY, _P.DAY_OPPORTUNITY, _P.OTHER}),
    _C.EQUIPMENT: frozenset({_P.EQUIPMENT}),
    _C.PHARMACY: frozenset({_P.EQUIPMENT}),
}


class PayeeKind(StrEnum):
    PERSONAL_ASSISTANT = "personal_assistant"
    CARE_AGENCY = "care_agency"
    PROVIDER = "provider"
    PAYROLL_SERVICE = "payroll_service"
    TAX_OFFICE = "tax_office"
    INSURER = "insurer"
    COUNCIL = "council"


PAYEE_KIND_LABELS: Mapping[PayeeKind, str] = {
    PayeeKind.PERSONAL_ASSISTANT: "Personal Assistant",
    PayeeKind.CARE_AGENCY: "care agency",
    PayeeKind.PROVIDER: "provider",
    PayeeKind.PAYROLL_SERVICE: "payroll service",
    PayeeKind.TAX_OFFICE: "tax office",
    PayeeKind.INSURER: "insurer",
    PayeeKind.COUNCIL: "council",
}

CATEGORY_FOR_PAYEE_KIND: Mapping[PayeeKind, SpendCategory | None] = {
    PayeeKind.PERSONAL_ASSISTANT: _C.PERSONAL_ASSISTANT,
    PayeeKind.CARE_AGENCY: _C.CARE_AGENCY,
    PayeeKind.PROVIDER: None,
    PayeeKind.PAYROLL_SERVICE: _C.EMPLOYMENT_COSTS,
    PayeeKind.TAX_OFFICE: _C.EMPLOYMENT_COSTS,
    PayeeKind.INSURER: _C.INSURANCE,
    PayeeKind.COUNCIL: None,
}

_LEGAL_WORDS = frozenset({"ltd", "limited", "plc", "llp", "the"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
MIN_TERM_CHARACTERS = 3


def normalise_words(text: str) -> tuple[str, ...]:
    """Words to compare: accents, case and punctuation removed, "&" as "and", "Ltd"/"PLC"/"the" dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().replace("&", " and ")
    return tuple(word for word in _NOT_WORD.sub(" ", plain).split() if word not in _LEGAL_WORDS)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _term(text: str, field: str) -> tuple[str, ...]:
    words = normalise_words(text)
    if sum(len(w) for w in words) < MIN_TERM_CHARACTERS:
        raise ValidationFailed(
            f"{text!r} is too short to recognise on a statement: give at least {MIN_TERM_CHARACTERS} letters or digits",
            field=field,
        )
    return words


@dataclass(frozen=True)
class PlanLineRef:
    """A line of the person's current support plan: its id, what it buys and its label."""

    id: str
    category: str
    label: str


@dataclass(frozen=True)
class KnownPayee:
    """Someone the council knows the person pays (or is paid by): names and references as on statements."""

    id: str
    kind: PayeeKind
    names: tuple[str, ...]
    plan_line_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.names:
            raise ValidationFailed("A known payee needs at least one name or reference", field="names")
        for i, name in enumerate(self.names):
            _term(name, f"names[{i}]")

    @property
    def display_name(self) -> str:
        return self.names[0]


MatchKind = Literal["contains", "starts_with", "equals"]


@dataclass(frozen=True)
class MerchantRule:
    """A council's rule: transactions whose merchant or description has these words are this category or line."""

    id: str
    pattern: str
    category: SpendCategory | None = None
    plan_line_id: str | None = None
    match: MatchKind = "contains"

    def __post_init__(self) -> None:
        _term(self.pattern, "pattern")
        if self.category is None and self.plan_line_id is None:
            raise ValidationFailed("A rule must give a category or a plan line", field="category")
        if self.category is not None:
            try:
                object.__setattr__(self, "category", SpendCategory(self.category))
            except ValueError:
                raise ValidationFailed(f"{self.category!r} is not a spending category", field="category") from None
        if self.match not in ("contains", "starts_with", "equals"):
            raise ValidationFailed("match must be contains, starts_with or equals", field="match")

    @cached_property
    def words(self) -> tuple[str, ...]:
        return normalise_words(self.pattern)

    def matches(self, texts: Sequence[tuple[str, ...]]) -> bool:
        words = self.words
        for text in texts:
            if self.match == "equals" and text == words:
                return True
            if self.match == "starts_with" and text[: len(words)] == words:
                return True
            if self.match == "contains" and _contains(text, words):
                return True
        return False


#: Wording that means the same on any bank statement (used after council rules and MCCs).
BUILTIN_RULES: tuple[MerchantRule, ...] = (
    MerchantRule("builtin-cash-withdrawal", "cash withdrawal", SpendCategory.CASH_WITHDRAWAL),
    MerchantRule("builtin-atm", "atm", SpendCategory.CASH_WITHDRAWAL),
    MerchantRule("builtin-cashpoint", "cashpoint", SpendCategory.CASH_WITHDRAWAL),
    MerchantRule("builtin-cash-machine", "cash machine", SpendCategory.CASH_WITHDRAWAL),
    MerchantRule("builtin-bank-charge", "bank charge", SpendCategory.BANK_CHARGES),
    MerchantRule("builtin-account-fee", "account fee", SpendCategory.BANK_CHARGES),
    MerchantRule("builtin-overdraft", "overdraft", SpendCategory.BANK_CHARGES),
    MerchantRule("builtin-unpaid-item", "unpaid item", SpendCategory.BANK_CHARGES),
    MerchantRule("builtin-hmrc", "hmrc", SpendCategory.EMPLOYMENT_COSTS),
)

Status = Literal["plan_line", "money_in", "cash", "unexplained"]
MatchedBy = Literal["payee", "council_rule", "merchant_category_code", "builtin_rule", "money_in", "nothing", "manual"]


@dataclass(frozen=True)
class Categorisation:
    """Where a transaction was put, how, and why (in words a person can check)."""

    status: Status
    category: SpendCategory | None
    plan_line_id: str | None
    payee_id: str | None
    matched_by: MatchedBy
    rule_id: str | None
    reason: str

    @property
    def explained(self) -> bool:
        return self.status != "unexplained"


class CategorisableLine(Protocol):
    """What categorising needs of a transaction (a `StatementLine` has it)."""

    @property
    def amount_pence(self) -> int: ...

    @property
    def merchant(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def merchant_category_code(self) -> str | None: ...


class Categoriser:
    """Categorises transactions for one person: their plan lines, known payees and the rules."""

    def __init__(
        self,
        *,
        plan_lines: Sequence[PlanLineRef],
        payees: Sequence[KnownPayee] = (),
        rules: Sequence[MerchantRule] = (),
        mcc_categories: Mapping[str, tuple[SpendCategory, str]] = MCC_CATEGORIES,
    ) -> None:
        self._lines = tuple(plan_lines)
        self._lines_by_id = {line.id: line for line in self._lines}
        self._payee_terms = tuple((payee, normalise_words(name)) for payee in payees for name in payee.names)
        self._rules = tuple(rules)
        self._mcc = mcc_categories

    def _plan_line_for(self, category: SpendCategory | None, preferred: Sequence[str] = ()) -> PlanLineRef | None:
        for line_id in preferred:
            if line_id in self._lines_by_id:
                return self._lines_by_id[line_id]
        if category is None:
            return None
        kinds = PLAN_CATEGORIES_FOR_SPEND.get(category, frozenset())
        return next((line for line in self._lines if line.category in kinds), None)

    def _payee(self, texts: Sequence[tuple[str, ...]]) -> tuple[KnownPayee | None, list[KnownPayee]]:
        best: dict[str, tuple[int, KnownPayee]] = {}
        for payee, term in self._payee_terms:
            if any(_contains(text, term) for text in texts):
                score = sum(len(w) for w in term)
                if payee.id not in best or best[payee.id][0] < score:
                    best[payee.id] = (score, payee)
        if not best:
            return None, []
        top = max(score for score, _ in best.values())
        winners = [payee for score, payee in best.values() if score == top]
        if len(winners) > 1:
            return None, winners
        return winners[0], []

    def categorise(self, line: CategorisableLine) -> Categorisation:
        merchant, description = line.merchant.strip(), line.description.strip()
        texts = [t for t in (normalise_words(merchant), normalise_words(description)) if t]
        shown = merchant or description or "(no description)"
        payee, tied = self._payee(texts)

        if line.amount_pence >= 0:
            who = f" from {payee.display_name}" if payee else ""
            return Categorisation(
                status="money_in",
                category=SpendCategory.MONEY_IN,
                plan_line_id=None,
                payee_id=payee.id if payee else None,
                matched_by="money_in",
                rule_id=None,
                reason=f"Money into the account{who}",
            )

        if tied:
            names = ", ".join(sorted(p.display_name for p in tied))
            return _unexplained(
                None,
                f"{shown!r} matches more than one known payee ({names}): add a reference to tell them apart",
            )

        if payee is not None:
            category = CATEGORY_FOR_PAYEE_KIND[payee.kind]
            kind = PAYEE_KIND_LABELS[payee.kind]
            plan_line = self._plan_line_for(category, payee.plan_line_ids)
            if plan_line is None:
                return Categorisation(
                    status="unexplained",
                    category=category,
                    plan_line_id=None,
                    payee_id=payee.id,
                    matched_by="payee",
                    rule_id=None,
                    reason=f"Paid to {payee.display_name}, a known {kind}, but no line of the support plan covers it",
                )
            return Categorisation(
                status="plan_line",
                category=category,
                plan_line_id=plan_line.id,
                payee_id=payee.id,
                matched_by="payee",
                rule_id=None,
                reason=f"Paid to {payee.display_name}, a known {kind}, for the plan line {plan_line.label!r}",
            )

        for rule in self._rules:
            if rule.plan_line_id is not None and rule.plan_line_id not in self._lines_by_id:
                continue  # a rule for a line this person's plan does not have
            if rule.matches(texts):
                return self._from_category(
                    rule.category,
                    preferred=(rule.plan_line_id,) if rule.plan_line_id else (),
                    matched_by="council_rule",
                    rule_id=rule.id,
                    how=f"the council's rule {rule.pattern!r}",
                )

        mcc = line.merchant_category_code
        if mcc and mcc in self._mcc:
            category, name = self._mcc[mcc]
            return self._from_category(
                category,
                matched_by="merchant_category_code",
                rule_id=None,
                how=f"merchant category code {mcc} ({name})",
            )

        for rule in BUILTIN_RULES:
            if rule.matches(texts):
                return self._from_category(
                    rule.category, matched_by="builtin_rule", rule_id=rule.id, how=f"the words {rule.pattern!r}"
                )

        if mcc:
            return _unexplained(
                None, f"{shown!r} has merchant category code {mcc}, which has no category, and no rule matched it"
            )
        return _unexplained(None, f"No known payee, council rule or merchant category code matched {shown!r}")

    def _from_category(
        self,
        category: SpendCategory | None,
        *,
        matched_by: MatchedBy,
        rule_id: str | None,
        how: str,
        preferred: Sequence[str] = (),
    ) -> Categorisation:
        label = f"{CATEGORY_LABELS[category]}, by {how}," if category else f"By {how},"
        if category == SpendCategory.CASH_WITHDRAWAL:
            return Categorisation(
                status="cash",
                category=category,
                plan_line_id=None,
                payee_id=None,
                matched_by=matched_by,
                rule_id=rule_id,
                reason=f"Cash withdrawal, by {how}",
            )
        plan_line = self._plan_line_for(category, preferred)
        if plan_line is None:
            return Categorisation(
                status="unexplained",
                category=category,
                plan_line_id=None,
                payee_id=None,
                matched_by=matched_by,
                rule_id=rule_id,
                reason=f"{label} is not part of any line of the support plan",
            )
        return Categorisation(
            status="plan_line",
            category=category,
            plan_line_id=plan_line.id,
            payee_id=None,
            matched_by=matched_by,
            rule_id=rule_id,
            reason=f"{label} for the plan line {plan_line.label!r}",
        )


def _unexplained(category: SpendCategory | None, reason: str) -> Categorisation:
    return Categorisation(
        status="unexplained",
        category=category,
        plan_line_id=None,
        payee_id=None,
        matched_by="nothing",
        rule_id=None,
        reason=reason,
    )


def categorise(
    line: CategorisableLine,
    *,
    plan_lines: Sequence[PlanLineRef],
    payees: Sequence[KnownPayee] = (),
    rules: Sequence[MerchantRule] = (),
) -> Categorisation:
    """One transaction (for many, build a `Categoriser` once)."""
    return Categoriser(plan_lines=plan_lines, payees=payees, rules=rules).categorise(line)


def manual_categorisation(
    *,
    amount_pence: int,
    plan_line: PlanLineRef | None,
    category: SpendCategory | None,
    why: str,
    by: str,
    on: dt.date,
) -> Categorisation:
    """A member of staff puts a transaction against a plan line or a spending category by hand, saying why.

    Re-categorising never changes the result (`matched_by = "manual"`). Money out put against a plan line is
    explained; a category alone says what it was without explaining it (cash withdrawals are ``cash``), so
    the checks still see it. Money in is never put against a plan line."""
    why = " ".join(why.split())
    if not why:
        raise ValidationFailed("Enter why you are categorising this transaction", field="reason")
    if plan_line is None and category is None:
        raise ValidationFailed("Choose a plan line or a spending category", field="plan_line")
    if category is not None:
        try:
            category = SpendCategory(category)
        except ValueError:
            raise ValidationFailed(f"{category!r} is not a spending category", field="category") from None
    stamp = f"by {by} on {on.day} {on:%B %Y}: {why}"
    if amount_pence >= 0:
        if plan_line is not None:
            raise ValidationFailed("Money into the account is not put against a plan line", field="plan_line")
        category = category or SpendCategory.MONEY_IN
        return Categorisation(
            status="money_in",
            category=category,
            plan_line_id=None,
            payee_id=None,
            matched_by="manual",
            rule_id=None,
            reason=f"Money in ({CATEGORY_LABELS[category]}), categorised {stamp}",
        )
    if category == SpendCategory.MONEY_IN:
        raise ValidationFailed("Money out of the account cannot be money in", field="category")
    if plan_line is not None:
        what = f" ({CATEGORY_LABELS[category]})" if category else ""
        return Categorisation(
            status="plan_line",
            category=category,
            plan_line_id=plan_line.id,
            payee_id=None,
            matched_by="manual",
            rule_id=None,
            reason=f"Put against the plan line {plan_line.label!r}{what} {stamp}",
        )
    assert category is not None
    return Categorisation(
        status="cash" if category == SpendCategory.CASH_WITHDRAWAL else "unexplained",
        category=category,
        plan_line_id=None,
        payee_id=None,
        matched_by="manual",
        rule_id=None,
        reason=f"{CATEGORY_LABELS[category]}, not against a plan line, categorised {stamp}",
    )
