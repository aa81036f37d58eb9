"""The card-load writer's direct path writes exactly what the previous writer (every load through
`normalise_load`, every row through the csv module) wrote, and refuses exactly what it refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dp.payments.domain.card_load import (
    CURRENCY,
    HEADER,
    LOAD,
    TRAILER,
    CardLoad,
    CardLoadFileError,
    normalise_load,
    write_card_load_file,
)


def previous_writer(loads: Sequence[CardLoad]) -> str:
    """The writer as it was before the direct path (kept here as the reference)."""
    if not loads:
        raise CardLoadFileError("A card-load file needs at least one load", field="loads")
    checked = [normalise_load(load, field=f"loads[{i}]") for i, load in enumerate(loads)]
    seen: set[str] = set()
    for i, load in enumerate(checked):
        if load.payment_reference in seen:
            raise CardLoadFileError(
                f"The payment reference {load.payment_reference} is used twice", field=f"loads[{i}].payment_reference"
            )
        seen.add(load.payment_reference)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for load in checked:
        writer.writerow(
            (
                LOAD,
                load.card_account_reference,
                str(load.amount_pence),
                CURRENCY,
                load.payment_on.isoformat(),
                load.payment_reference,
                load.payee_name,
            )
        )
    writer.writerow((TRAILER, str(len(checked)), str(sum(load.amount_pence for load in checked)), CURRENCY, "", "", ""))
    return out.getvalue()


def outcome(write, loads: Sequence[CardLoad]) -> tuple[str, str, str]:
    try:
        return ("text", write(loads), "")
    except CardLoadFileError as exc:
        return ("refused", exc.message, str(exc.field))


NAMES = [
    "Jane Smith",
    "Smith, John",
    'Jo "JJ" Jones',
    "  Ann Lee  ",
    "Zoë Brontë",
    "O'Brien",
    "=SUM(A1)",
    "+44 Person",
    "-dash",
    "@handle",
    "",
    "   ",
    "A",
    "x" * 70,
    "x" * 71,
    " " + "y" * 70,
    "Tab\there",
    "Line\nbreak",
    "Carriage\rreturn",
    "Nul\x00",
    "Del\x7f",
    "Para\u2029graph",
    "Non\u00a0breaking",
    "Semi;colon",
    "Back\\slash",
    "Ends with space ",
    "a,",
    '"',
]
REFERENCES = ["CARD-0001234", "card_9/x", "-bad", "", "C" * 35, "C" * 36, "CARD 1", "CÅRD"]
PAYMENT_REFERENCES = ["DP0000000001", "DP0000000002", "dp.1/x_y-z", ".bad", "", "P" * 64, "P" * 65, "DP 1"]
AMOUNTS = [1, 45000, 0, -5, 99_999_999_999, 10**15]

# Mostly valid loads (so most files are written and the names decide how), with anything at all mixed in.
loads_strategy = st.lists(
    st.builds(
        CardLoad,
        card_account_reference=st.one_of(
            st.just("CARD-0001234"), st.sampled_from(REFERENCES), st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_/-]{0,34}\Z")
        ),
        amount_pence=st.one_of(st.integers(min_value=1, max_value=10**6), st.sampled_from(AMOUNTS)),
        payment_on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
        payment_reference=st.one_of(
            st.from_regex(r"DP[0-9]{1,3}\Z"), st.sampled_from(PAYMENT_REFERENCES), st.text(max_size=70)
        ),
        payee_name=st.one_of(st.sampled_from(NAMES), st.text(max_size=80), st.from_regex(r"[ -~]{0,72}\Z")),
    ),
    max_size=8,
)


@settings(max_examples=800, deadline=None)
@given(loads=loads_strategy)
@example(loads=[])
def test_any_loads_give_the_same_text_or_the_same_refusal(loads):
    assert outcome(write_card_load_file, loads) == outcome(previous_writer, loads)


def test_a_fixed_varied_file_is_byte_identical():
    """Every name above with valid references (the names that need quoting or trimming included), then a
    duplicate reference after a bad name (the bad name is refused first, as before)."""
    good = [
        n
        for n in NAMES
        if outcome(previous_writer, [CardLoad("CARD-1", 100, dt.date(2030, 1, 7), "DP1", n)])[0] == "text"
    ]
    assert len(good) >= 12  # quoting, trimming and plain names all present
    loads = [
        CardLoad(f"CARD-{i:07d}", 100 + i, dt.date(2030, 1, 7 + i % 2), f"DP{i:010d}", name)
        for i, name in enumerate(good * 50)
    ]
    text = write_card_load_file(loads)
    assert text == previous_writer(loads)
    assert '"Smith, John"' in text
    assert '"Jo ""JJ"" Jones"' in text
    assert ",Ann Lee\r\n" in text
    bad_then_duplicate = [*loads, loads[0], CardLoad("CARD-1", 1, dt.date(2030, 1, 7), "DPX1", "=bad")]
    assert outcome(write_card_load_file, bad_then_duplicate) == outcome(previous_writer, bad_then_duplicate)
    assert outcome(write_card_load_file, bad_then_duplicate)[2] == f"loads[{len(loads) + 1}].payee_name"
