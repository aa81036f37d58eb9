"""Categorising transactions against a support plan: payees, council rules, MCCs, built-in wording."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.plan_checks import ItemCategory
from dp.core.errors import ValidationFailed
from dp.monitoring.domain.categorise import (
    BUILTIN_RULES,
    CATEGORY_FOR_PAYEE_KIND,
    CATEGORY_LABELS,
    MCC_CATEGORIES,
    PAYEE_KIND_LABELS,
    PLAN_CATEGORIES_FOR_SPEND,
    Categoriser,
    KnownPayee,
    MerchantRule,
    PayeeKind,
    PlanLineRef,
    SpendCategory,
    categorise,
    normalise_words,
)
from dp.monitoring.domain.statements import StatementLine


@dataclass(frozen=True)
class Line:
    amount_pence: int
    merchant: str = ""
    description: str = ""
    merchant_category_code: str | None = None


PLAN = (
    PlanLineRef("pa", ItemCategory.PERSONAL_ASSISTANT, "Personal Assistant, 10 hours a week"),
    PlanLineRef("agency", ItemCategory.CARE_AGENCY, "Oakfield Care Agency, morning calls"),
    PlanLineRef("swim", ItemCategory.ACTIVITY, "Swimming"),
    PlanLineRef("kit", ItemCategory.EQUIPMENT, "Bath seat"),
)
ALEX = KnownPayee("p1", PayeeKind.PERSONAL_ASSISTANT, ("Alex Morgan", "A MORGAN WAGES"))
OAKFIELD = KnownPayee("p2", PayeeKind.CARE_AGENCY, ("Oakfield Care Agency Ltd",), plan_line_ids=("agency",))
COUNCIL = KnownPayee("p3", PayeeKind.COUNCIL, ("Northshire Council",))
CAT = Categoriser(plan_lines=PLAN, payees=(ALEX, OAKFIELD, COUNCIL))


class TestNormalising:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("Oakfield Care Agency Ltd.", ("oakfield", "care", "agency")),
            ("The  Crown & Anchor", ("crown", "and", "anchor")),
            ("CAFÉ NÉRO", ("cafe", "nero")),
            ("A. Morgan - wages (May)", ("a", "morgan", "wages", "may")),
            ("", ()),
        ],
    )
    def test_normalise_words(self, text, words):
        assert normalise_words(text) == words

    @given(st.text())
    def test_normalising_is_idempotent(self, text):
        words = normalise_words(text)
        assert normalise_words(" ".join(words)) == words


class TestMoneyIn:
    def test_money_in_is_not_spending(self):
        result = CAT.categorise(Line(50000, "Northshire Council", "DP payment"))
        assert (result.status, result.category, result.payee_id, result.matched_by) == (
            "money_in",
            SpendCategory.MONEY_IN,
            "p3",
            "money_in",
        )
        assert result.reason == "Money into the account from Northshire Council"
        assert result.explained
        assert CAT.categorise(Line(0, "", "")).reason == "Money into the account"


class TestKnownPayees:
    def test_a_personal_assistant_by_bank_reference(self):
        result = CAT.categorise(Line(-24000, "", "A MORGAN WAGES MAY"))
        assert (result.status, result.category, result.plan_line_id, result.payee_id, result.matched_by) == (
            "plan_line",
            SpendCategory.PERSONAL_ASSISTANT,
            "pa",
            "p1",
            "payee",
        )
        assert result.reason == (
            "Paid to Alex Morgan, a known Personal Assistant, for the plan line 'Personal Assistant, 10 hours a week'"
        )

    def test_a_payee_names_its_plan_line_and_legal_suffixes_do_not_matter(self):
        result = CAT.categorise(Line(-12000, "OAKFIELD CARE AGENCY", "", "8050"))
        assert (result.plan_line_id, result.payee_id) == ("agency", "p2")

    def test_a_known_payee_without_a_plan_line(self):
        categoriser = Categoriser(plan_lines=PLAN[2:], payees=(ALEX,))
        result = categoriser.categorise(Line(-24000, "", "A MORGAN WAGES"))
        assert (result.status, result.category, result.payee_id) == (
            "unexplained",
            SpendCategory.PERSONAL_ASSISTANT,
            "p1",
        )
        assert "no line of the support plan covers it" in result.reason

    def test_a_provider_uses_its_named_line_or_nothing(self):
        provider = KnownPayee("p9", PayeeKind.PROVIDER, ("Riverside Day Centre",), plan_line_ids=("missing", "swim"))
        categoriser = Categoriser(plan_lines=PLAN, payees=(provider,))
        assert categoriser.categorise(Line(-3000, "Riverside Day Centre")).plan_line_id == "swim"
        unlinked = Categoriser(plan_lines=PLAN, payees=(KnownPayee("p9", PayeeKind.PROVIDER, ("Riverside",)),))
        assert unlinked.categorise(Line(-3000, "Riverside")).status == "unexplained"

    def test_the_most_specific_name_wins_and_a_tie_is_not_guessed(self):
        short = KnownPayee("s", PayeeKind.CARE_AGENCY, ("Oakfield Care",))
        categoriser = Categoriser(plan_lines=PLAN, payees=(short, OAKFIELD))
        assert categoriser.categorise(Line(-1, "Oakfield Care Agency")).payee_id == "p2"
        twin = KnownPayee("t", PayeeKind.PERSONAL_ASSISTANT, ("Alex Morgan",))
        tied = Categoriser(plan_lines=PLAN, payees=(ALEX, twin))
        result = tied.categorise(Line(-1, "ALEX MORGAN"))
        assert (result.status, result.matched_by, result.payee_id) == ("unexplained", "nothing", None)
        assert result.reason == (
            "'ALEX MORGAN' matches more than one known payee (Alex Morgan, Alex Morgan): "
            "add a reference to tell them apart"
        )

    def test_whole_words_only(self):
        assert CAT.categorise(Line(-1, "ALEXANDER MORGANSON")).payee_id is None

    @pytest.mark.parametrize("names", [(), ("A",), ("  ",), ("Ltd",)])
    def test_payee_names_must_be_recognisable(self, names):
        with pytest.raises(ValidationFailed):
            KnownPayee("x", PayeeKind.PROVIDER, names)

    def test_every_kind_has_a_label_and_a_category_entry(self):
        assert set(PAYEE_KIND_LABELS) == set(PayeeKind) == set(CATEGORY_FOR_PAYEE_KIND)


class TestCouncilRules:
    def test_a_rule_gives_a_category_which_finds_a_plan_line(self):
        rule = MerchantRule("r1", "swim", SpendCategory.LEISURE)
        result = Categoriser(plan_lines=PLAN, rules=(rule,)).categorise(Line(-600, "LEISURE CENTRE", "SWIM SESSION"))
        assert (result.status, result.category, result.plan_line_id, result.matched_by, result.rule_id) == (
            "plan_line",
            SpendCategory.LEISURE,
            "swim",
            "council_rule",
            "r1",
        )
        assert result.reason == "Leisure and activities, by the council's rule 'swim', for the plan line 'Swimming'"

    def test_a_rule_can_name_the_plan_line_and_rules_for_other_plans_are_skipped(self):
        other = MerchantRule("r0", "bath", plan_line_id="not-this-plan")
        mine = MerchantRule("r1", "bath", plan_line_id="kit")
        result = Categoriser(plan_lines=PLAN, rules=(other, mine)).categorise(Line(-4000, "MOBILITY BATH SEATS", ""))
        assert (result.plan_line_id, result.rule_id, result.category) == ("kit", "r1", None)
        assert result.reason == "By the council's rule 'bath', for the plan line 'Bath seat'"

    def test_a_rule_category_outside_the_plan_is_unexplained(self):
        rule = MerchantRule("r1", "crown inn", SpendCategory.ALCOHOL)
        result = Categoriser(plan_lines=PLAN, rules=(rule,)).categorise(Line(-3210, "The Crown Inn", "", "5813"))
        assert (result.status, result.category, result.matched_by) == (
            "unexplained",
            SpendCategory.ALCOHOL,
            "council_rule",
        )
        assert (
            result.reason == "Alcohol (bars and off-licences), by the council's rule 'crown inn', "
            "is not part of any line of the support plan"
        )

    @pytest.mark.parametrize(
        ("match", "text", "matches"),
        [
            ("contains", "BIG TESCO STORE", True),
            ("contains", "TESCOS", False),
            ("starts_with", "TESCO STORES 2041", True),
            ("starts_with", "BIG TESCO", False),
            ("equals", "Tesco", True),
            ("equals", "TESCO STORES", False),
        ],
    )
    def test_match_kinds(self, match, text, matches):
        rule = MerchantRule("r", "tesco", SpendCategory.GROCERIES, match=match)
        assert Categoriser(plan_lines=PLAN, rules=(rule,)).categorise(Line(-1, text)).matched_by == (
            "council_rule" if matches else "nothing"
        )

    def test_the_first_matching_rule_wins(self):
        rules = (MerchantRule("a", "taxi", SpendCategory.TRANSPORT), MerchantRule("b", "taxi", SpendCategory.LEISURE))
        assert Categoriser(plan_lines=PLAN, rules=rules).categorise(Line(-1, "Willow Taxi")).rule_id == "a"

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"pattern": "x"}, "pattern"),
            ({"pattern": "taxi"}, "category"),
            ({"pattern": "taxi", "category": "nonsense"}, "category"),
            ({"pattern": "taxi", "category": "transport", "match": "regex"}, "match"),
        ],
    )
    def test_bad_rules_are_refused(self, kwargs, field):
        with pytest.raises(ValidationFailed) as info:
            MerchantRule("r", **kwargs)
        assert info.value.field == field

    def test_a_category_given_as_text_becomes_the_enum(self):
        assert MerchantRule("r", "taxi", "transport").category is SpendCategory.TRANSPORT  # type: ignore[arg-type]


class TestMerchantCategoryCodes:
    @pytest.mark.parametrize(
        ("mcc", "status", "category", "line"),
        [
            ("8050", "plan_line", SpendCategory.PERSONAL_CARE, "agency"),
            ("5912", "plan_line", SpendCategory.PHARMACY, "kit"),
            ("7997", "plan_line", SpendCategory.LEISURE, "swim"),
            ("6011", "cash", SpendCategory.CASH_WITHDRAWAL, None),
            ("5813", "unexplained", SpendCategory.ALCOHOL, None),
            ("7995", "unexplained", SpendCategory.GAMBLING, None),
            ("5411", "unexplained", SpendCategory.GROCERIES, None),
        ],
    )
    def test_codes(self, mcc, status, category, line):
        result = Categoriser(plan_lines=PLAN).categorise(Line(-100, "Somewhere", "", mcc))
        assert (result.status, result.category, result.plan_line_id, result.matched_by) == (
            status,
            category,
            line,
            "merchant_category_code",
        )
        assert mcc in result.reason

    def test_an_unknown_code(self):
        result = Categoriser(plan_lines=PLAN).categorise(Line(-100, "Mystery Ltd", "", "0001"))
        assert (result.status, result.category) == ("unexplained", None)
        assert (
            result.reason
            == "'Mystery Ltd' has merchant category code 0001, which has no category, and no rule matched it"
        )

    def test_the_table(self):
        assert all(len(code) == 4 and code.isdigit() for code in MCC_CATEGORIES)
        assert set(CATEGORY_LABELS) == set(SpendCategory)
        item_categories = {c.value for c in ItemCategory}
        assert all(kinds <= item_categories for kinds in PLAN_CATEGORIES_FOR_SPEND.values())


class TestBuiltInWording:
    @pytest.mark.parametrize(
        ("description", "status", "category"),
        [
            ("CASH WITHDRAWAL LINK 12:01", "cash", SpendCategory.CASH_WITHDRAWAL),
            ("ATM High Street", "cash", SpendCategory.CASH_WITHDRAWAL),
            ("Unpaid item charge", "unexplained", SpendCategory.BANK_CHARGES),
            ("HMRC PAYE", "plan_line", SpendCategory.EMPLOYMENT_COSTS),
        ],
    )
    def test_wording(self, description, status, category):
        result = CAT.categorise(Line(-1000, "", description))
        assert (result.status, result.category, result.matched_by) == (status, category, "builtin_rule")

    def test_builtin_rules_name_categories(self):
        assert all(rule.category is not None for rule in BUILTIN_RULES)

    def test_nothing_matched(self):
        result = CAT.categorise(Line(-2000, "", "TRANSFER TO J SMITH"))
        assert (result.status, result.matched_by, result.category) == ("unexplained", "nothing", None)
        assert result.reason == "No known payee, council rule or merchant category code matched 'TRANSFER TO J SMITH'"
        assert "(no description)" in CAT.categorise(Line(-1)).reason


class TestPrecedence:
    def test_payee_then_rule_then_code_then_wording(self):
        rule = MerchantRule("r", "morgan", SpendCategory.GAMBLING)
        categoriser = Categoriser(plan_lines=PLAN, payees=(ALEX,), rules=(rule,))
        assert categoriser.categorise(Line(-1, "ALEX MORGAN", "", "7995")).matched_by == "payee"
        assert categoriser.categorise(Line(-1, "J MORGAN", "ATM", "6011")).matched_by == "council_rule"
        assert categoriser.categorise(Line(-1, "J BLOGGS", "ATM", "5411")).matched_by == "merchant_category_code"


class TestStatementLinesAndTheShortcut:
    def test_a_statement_line_can_be_categorised(self):
        line = StatementLine(
            2, dt.date(2026, 5, 2), -1250, "Card purchase", "Brambles Pharmacy", "5912", None, "C", "k"
        )
        assert categorise(line, plan_lines=PLAN).plan_line_id == "kit"


class TestSeveralNamesForOnePayee:
    def test_the_best_name_of_a_payee_counts(self):
        payee = KnownPayee("p", PayeeKind.PERSONAL_ASSISTANT, ("Alex Morgan", "Morgan"))
        rival = KnownPayee("r", PayeeKind.PERSONAL_ASSISTANT, ("Morgan Wages",))
        categoriser = Categoriser(plan_lines=PLAN, payees=(payee, rival))
        assert categoriser.categorise(Line(-1, "ALEX MORGAN")).payee_id == "p"
