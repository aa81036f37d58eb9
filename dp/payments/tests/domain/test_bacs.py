"""Bacs Standard 18: the writer's layout, its checks, and reading our own files back."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dp.payments.domain import bacs
from dp.payments.domain.bacs import (
    BacsCredit,
    BacsFileError,
    BacsSubmission,
    Originator,
    bacs_name,
    bacs_reference,
    julian,
    normalise_account_number,
    normalise_sort_code,
    normalise_submission,
    parse_bacs_file,
    sanitise_bacs_text,
    write_bacs_file,
)

D = dt.date
COUNCIL = Originator(
    service_user_number="123456", sort_code="40-11-22", account_number="12345678", name="Stoke-on-Trent City Council"
)


def credit(**overrides: object) -> BacsCredit:
    values: dict[str, object] = {
        "sort_code": "20-00-00",
        "account_number": "55779911",
        "account_name": "Zoë O'Brien",
        "amount_pence": 123456,
        "reference": "DP 000123 APR",
    }
    values.update(overrides)
    return BacsCredit(**values)  # type: ignore[arg-type]


def submission(*credits: BacsCredit, **overrides: object) -> BacsSubmission:
    values: dict[str, object] = {
        "originator": COUNCIL,
        "serial_number": 42,
        "created_on": D(2025, 4, 3),
        "processing_on": D(2025, 4, 4),
        "credits": credits or (credit(),),
    }
    values.update(overrides)
    return BacsSubmission(**values)  # type: ignore[arg-type]


def error_field(sub: BacsSubmission) -> str | None:
    with pytest.raises(BacsFileError) as info:
        write_bacs_file(sub)
    return info.value.field


class TestSanitise:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Zoë O'Brien", "ZOE OBRIEN"),
            ("  jane   smith ", "JANE SMITH"),
            ("Smith & Sons / Ltd. - Care", "SMITH & SONS / LTD. - CARE"),
            ("Straße", "STRASSE"),
            ("a_b@c#d", "A B C D"),
            ("Renée’s", "RENEES"),
            ("日本", ""),
        ],
    )
    def test_sanitise(self, text, expected):
        assert sanitise_bacs_text(text) == expected

    def test_names_are_cut_to_18_without_a_trailing_space(self):
        assert bacs_name("Alexandra Fitzwilliam-Smythe") == "ALEXANDRA FITZWILL"
        assert bacs_name("Alexandra Fitzwil Lam") == "ALEXANDRA FITZWIL"

    def test_a_name_must_have_something_left(self):
        with pytest.raises(BacsFileError):
            bacs_name("***")

    @given(st.text())
    def test_sanitised_text_uses_only_the_bacs_character_set(self, text):
        clean = sanitise_bacs_text(text)
        assert set(clean) <= set(string.ascii_uppercase + string.digits + " .&/-")
        assert clean == clean.strip()
        assert "  " not in clean


class TestReference:
    @pytest.mark.parametrize("text", ["DP000123", "dp 000123 apr", "ABC-123", "123456789012345678"])
    def test_good_references(self, text):
        assert bacs_reference(text) == sanitise_bacs_text(text)

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("AB 12", "at least 6"),
            ("A.B.C.D.E", "at least 6"),
            ("AAAAAAAA", "one character repeated"),
            ("1234567890123456789", "longer than 18"),
        ],
    )
    def test_bad_references(self, text, reason):
        with pytest.raises(BacsFileError, match=reason):
            bacs_reference(text)


class TestIdentifiers:
    @pytest.mark.parametrize("text", ["20-00-00", "20 00 00", "200000"])
    def test_sort_codes(self, text):
        assert normalise_sort_code(text) == "200000"

    @pytest.mark.parametrize("text", ["20-00-0", "2000000", "20-00-0A", "", "２００００0"])
    def test_bad_sort_codes(self, text):
        with pytest.raises(BacsFileError, match="6 digits"):
            normalise_sort_code(text)

    @pytest.mark.parametrize("text", ["1234567", "123456789", "1234567X"])
    def test_bad_account_numbers(self, text):
        with pytest.raises(BacsFileError, match="8 digits"):
            normalise_account_number(text)

    def test_account_numbers(self):
        assert normalise_account_number("1234 5678") == "12345678"

    def test_julian(self):
        assert julian(D(2025, 4, 4)) == " 25094"
        assert julian(D(2024, 12, 31)) == " 24366"


class TestLayout:
    def test_the_file_record_by_record(self):
        text = write_bacs_file(submission(credit(), credit(amount_pence=99, reference="PAYREF-000001")))
        assert text.endswith("\r\n")
        lines = text.split("\r\n")[:-1]
        assert [len(line) for line in lines] == [80, 80, 80, 80, 100, 100, 100, 80, 80, 80]
        vol1, hdr1, hdr2, uhl1, first, second, contra, eof1, eof2, utl1 = lines
        assert vol1 == "VOL1000042" + " " * 31 + "123456" + " " * 32 + "1"
        assert hdr1 == "HDR1A123456S  1123456000042" + "00010001" + " " * 6 + " 25093 25093" + " 000000" + " " * 20
        assert hdr2 == "HDR2F0200000100" + " " * 35 + "00" + " " * 28
        assert uhl1 == "UHL1 25094999999    00000000" + "1 DAILY  001" + " " * 40
        assert first == (
            "200000" + "55779911" + "0" + "99" + "401122" + "12345678" + "    " + "00000123456"
            "STOKE-ON-TRENT CIT" + "DP 000123 APR     " + "ZOE OBRIEN        "
        )
        assert second[35:46] == "00000000099"
        assert contra == (
            "401122" + "12345678" + "0" + "17" + "401122" + "12345678" + "    " + "00000123555"
            "STOKE-ON-TRENT CIT" + "CONTRA            " + "STOKE-ON-TRENT CIT"
        )
        assert eof1 == "EOF1" + hdr1[4:]
        assert eof2 == "EOF2" + hdr2[4:]
        assert utl1 == "UTL1" + "0000000123555" + "0000000123555" + "0000001" + "0000002" + " " * 36

    def test_line_ending_can_be_lf(self):
        text = write_bacs_file(submission(), line_ending="\n")
        assert "\r" not in text
        assert parse_bacs_file(text).credit_count == 1


class TestWriterChecks:
    @pytest.mark.parametrize(
        ("sub", "field"),
        [
            (submission(credit(sort_code="1234")), "credits[0].sort_code"),
            (submission(credit(), credit(account_number="1234567")), "credits[1].account_number"),
            (submission(credit(amount_pence=0)), "credits[0].amount_pence"),
            (submission(credit(amount_pence=100_000_000_000)), "credits[0].amount_pence"),
            (submission(credit(reference="A1")), "credits[0].reference"),
            (submission(credit(account_name="!!!")), "credits[0].account_name"),
            (submission(originator=Originator("12345", "401122", "12345678", "X")), "originator.service_user_number"),
            (submission(originator=Originator("123456", "40112", "12345678", "X")), "originator.sort_code"),
            (submission(originator=Originator("123456", "401122", "1234567", "X")), "originator.account_number"),
            (submission(originator=Originator("123456", "401122", "12345678", "")), "originator.name"),
            (submission(serial_number=0), "serial_number"),
            (submission(serial_number=1_000_000), "serial_number"),
            (submission(created_on=D(1999, 12, 31)), "created_on"),
            (submission(processing_on=D(2100, 1, 4)), "processing_on"),
            (submission(processing_on=D(2025, 4, 5)), "processing_on"),  # a Saturday
            (submission(processing_on=D(2025, 4, 2)), "processing_on"),  # before creation
        ],
    )
    def test_refuses(self, sub, field):
        assert error_field(sub) == field

    def test_refuses_an_empty_file(self):
        assert error_field(BacsSubmission(COUNCIL, 1, D(2025, 4, 3), D(2025, 4, 4), ())) == "credits"

    def test_refuses_more_payments_than_the_trailer_can_count(self, monkeypatch):
        monkeypatch.setattr(bacs, "MAX_RECORDS", 3)
        assert error_field(submission(credit(), credit(), credit())) == "credits"

    def test_a_number_too_wide_for_its_field_is_never_written(self):
        with pytest.raises(BacsFileError, match="does not fit"):
            bacs._n(1_000_000, 6)
        with pytest.raises(BacsFileError, match="does not fit"):
            bacs._n(-1, 6)

    def test_refuses_a_total_too_big_for_the_contra(self):
        big = credit(amount_pence=60_000_000_000)
        assert error_field(submission(big, big)) == "credits"


class TestParser:
    def test_reads_back_what_was_written(self):
        sub = submission(
            credit(), credit(sort_code="309634", account_name="A Person & Co/Ltd", reference="PAYREF-1234")
        )
        parsed = parse_bacs_file(write_bacs_file(sub))
        assert parsed.submission == normalise_submission(sub)
        assert parsed.submission.credits[0].account_name == "ZOE OBRIEN"
        assert (parsed.credit_count, parsed.debit_count) == (2, 1)
        assert parsed.credit_total_pence == parsed.debit_total_pence == sub.total_pence

    def lines(self) -> list[str]:
        return write_bacs_file(submission(credit(), credit(amount_pence=1000))).split("\r\n")[:-1]

    def broken(self, index: int, text: str) -> str:
        lines = self.lines()
        lines[index] = text
        return "\r\n".join(lines) + "\r\n"

    def test_refuses_a_changed_amount(self):
        lines = self.lines()
        lines[4] = lines[4][:35] + "00000123457" + lines[4][46:]
        with pytest.raises(BacsFileError, match="contra") as info:
            parse_bacs_file("\r\n".join(lines))
        assert info.value.field == "line 7"

    def test_refuses_a_trailer_that_does_not_add_up(self):
        lines = self.lines()
        lines[-1] = "UTL1" + "0000000124456" + "0000000124456" + "0000001" + "0000003" + " " * 36
        with pytest.raises(BacsFileError, match="trailer declares 3 payments") as info:
            parse_bacs_file("\n".join(lines))
        assert info.value.field == "line 10"

    @pytest.mark.parametrize(
        ("index", "change", "message"),
        [
            (0, lambda line: "VOL2" + line[4:], "VOL1"),
            (0, lambda line: line[:4] + "00004X" + line[10:], "digits"),
            (0, lambda line: line[:41] + "ABCDEF" + line[47:], "service user number"),
            (0, lambda line: line[:79] + "2", "'1'"),
            (0, lambda line: line + " ", "81 characters"),
            (1, lambda line: line[:5] + "999999" + line[11:], "HDR1"),
            (1, lambda line: line[:21] + "000043" + line[27:], "HDR1"),
            (1, lambda line: line[:41] + "X25093" + line[47:], "no date"),
            (1, lambda line: line[:41] + " 25400" + line[47:], "impossible date"),
            (2, lambda line: "HDR2V" + line[5:], "HDR2"),
            (3, lambda line: "UHL2" + line[4:], "UHL1"),
            (4, lambda line: line[:15] + "01" + line[17:], "not a direct credit"),
            (4, lambda line: "20000A" + line[6:], "digits"),
            (5, lambda line: line[:17] + "309634" + line[23:], "same originator"),
            (6, lambda line: "309634" + line[6:], "contra"),
            (6, lambda line: line[:64] + "CONTRX".ljust(18) + line[82:], "contra"),
            (7, lambda line: line[:-1] + "X", "EOF1"),
            (8, lambda line: line[:-1] + "X", "EOF2"),
            (9, lambda line: "UTL2" + line[4:], "UTL1"),
        ],
    )
    def test_refuses_a_damaged_record(self, index, change, message):
        lines = self.lines()
        with pytest.raises(BacsFileError, match=message) as info:
            parse_bacs_file(self.broken(index, change(lines[index])))
        assert info.value.field == f"line {index + 1}"

    def test_refuses_a_truncated_file(self):
        with pytest.raises(BacsFileError, match="at least 9"):
            parse_bacs_file("\r\n".join(self.lines()[:8]))

    def test_refuses_a_file_ending_before_the_contra(self):
        lines = self.lines()
        text = "\r\n".join(lines[:5] + [lines[5]] * 4)
        with pytest.raises(BacsFileError, match="ends before"):
            parse_bacs_file(text)

    def test_refuses_anything_after_the_trailer(self):
        with pytest.raises(BacsFileError, match="after the UTL1") as info:
            parse_bacs_file("\r\n".join([*self.lines(), "EXTRA"]))
        assert info.value.field == "line 11"

    def test_refuses_a_contra_with_no_payments(self):
        lines = self.lines()
        with pytest.raises(BacsFileError, match="no payments"):
            parse_bacs_file("\r\n".join(lines[:4] + lines[6:] + ["x" * 80]))


# -- round trip ----------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def fixed_digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


names = st.text(min_size=1, max_size=40).filter(lambda t: sanitise_bacs_text(t) != "")
references = (
    st.text(alphabet=string.ascii_letters + string.digits + " .&/-", min_size=6, max_size=18)
    .filter(lambda t: len(sanitise_bacs_text(t)) <= 18)
    .filter(lambda t: sum(ch.isalnum() for ch in sanitise_bacs_text(t)) >= 6)
    .filter(lambda t: len(set(sanitise_bacs_text(t).replace(" ", ""))) > 1)
)
credits = st.builds(
    BacsCredit,
    sort_code=fixed_digits(6),
    account_number=fixed_digits(8),
    account_name=names,
    amount_pence=st.integers(min_value=1, max_value=10_000_000_000),
    reference=references,
)


@st.composite
def submissions(draw: st.DrawFn) -> BacsSubmission:
    created = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 1)))
    processing = created + dt.timedelta(days=draw(st.integers(0, 20)))
    assume(processing.weekday() < 5 and processing.year <= 2099)
    return BacsSubmission(
        originator=Originator(
            service_user_number=draw(fixed_digits(6)),
            sort_code=draw(fixed_digits(6)),
            account_number=draw(fixed_digits(8)),
            name=draw(names),
        ),
        serial_number=draw(st.integers(1, 999_999)),
        created_on=created,
        processing_on=processing,
        credits=tuple(draw(st.lists(credits, min_size=1, max_size=15))),
    )


class TestRoundTrip:
    @settings(max_examples=200, deadline=None)
    @given(submissions())
    def test_write_then_parse_gives_the_submission_back_and_totals_match(self, sub):
        text = write_bacs_file(sub)
        parsed = parse_bacs_file(text)
        assert parsed.submission == normalise_submission(sub)
        assert parsed.credit_total_pence == sum(c.amount_pence for c in sub.credits)
        assert parsed.debit_total_pence == parsed.credit_total_pence
        assert parsed.credit_count == len(sub.credits)
        for line in text.split("\r\n")[:-1]:
            assert len(line) in (80, 100)
            assert set(line) <= set(string.ascii_uppercase + string.digits + " .&/-")


class TestSanitiseFastPath:
    """Text already in the Bacs character set skips the character-by-character path and gives the same."""

    @given(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .&/-'’éßﬁ\u0307", max_size=40)
    )
    def test_same_as_the_general_path(self, text):
        from dp.payments.domain.bacs import _sanitise_each_character

        assert sanitise_bacs_text(text) == _sanitise_each_character(text.upper())
