"""What a direct payment agreement says will be paid, and paid in, every payment cycle.

Design
------
Direct payments are usually paid net of the person's assessed contribution: the council pays the
direct payment less the contribution, and the person pays their contribution into the direct
payment account, so that together they make the direct payment (DP-PAY-01; Kent's example: budget
£60, contribution £40, direct payment £20). Councils pay in advance on a cycle; every 4 weeks is
common (Brighton & Hove, DP-PAY-02) [LOCAL]: the cycle is the council's policy (`payment_cycle_weeks`),
and the agreement states amounts for one cycle.

The contribution is assessed against the whole personal budget. Where it is more than the regular
direct payment, only the direct payment's share is paid into the account; the rest is charged for
the council-arranged support (the council bills it), and the agreement says so.

One-off amounts (equipment in the plan) are paid once and are not part of the cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dp.assessments.domain.validation import require_int, require_pence
from dp.core.domain.breakdown import BreakdownLine


@dataclass(frozen=True)
class AgreementAmounts:
    cycle_weeks: int
    regular_weekly_pence: int
    weekly_contribution_pence: int
    contribution_into_account_weekly_pence: int
    contribution_billed_weekly_pence: int
    cycle_gross_pence: int
    cycle_contribution_pence: int
    cycle_council_payment_pence: int
    one_off_pence: int
    breakdown: list[BreakdownLine] = field(default_factory=list)


def agreement_amounts(
    *, regular_weekly_pence: int, weekly_contribution_pence: int, one_off_pence: int = 0, cycle_weeks: int
) -> AgreementAmounts:
    """Amounts for one payment cycle, paid net of the contribution (DP-PAY-01, DP-PAY-02)."""
    require_pence(regular_weekly_pence, "regular_weekly_pence")
    require_pence(weekly_contribution_pence, "weekly_contribution_pence")
    require_pence(one_off_pence, "one_off_pence")
    require_int(cycle_weeks, "cycle_weeks", minimum=1, maximum=13)
    into_account = min(weekly_contribution_pence, regular_weekly_pence)
    billed = weekly_contribution_pence - into_account
    gross = regular_weekly_pence * cycle_weeks
    contribution = into_account * cycle_weeks
    council = gross - contribution
    lines = [
        BreakdownLine.money("Direct payment a week", regular_weekly_pence),
        BreakdownLine.money(f"Direct payment every {cycle_weeks} weeks", gross),
        BreakdownLine.money("Your assessed contribution a week", weekly_contribution_pence),
    ]
    if billed:
        lines.append(
            BreakdownLine.money(
                "Of which you pay into the direct payment account a week (the rest is billed for the support the "
                "council arranges)",
                into_account,
            )
        )
    lines.append(BreakdownLine.money(f"You pay into the account every {cycle_weeks} weeks", contribution))
    lines.append(BreakdownLine.money(f"The council pays into the account every {cycle_weeks} weeks", council))
    if one_off_pence:
        lines.append(BreakdownLine.money("The council also pays once, for equipment", one_off_pence))
    return AgreementAmounts(
        cycle_weeks=cycle_weeks,
        regular_weekly_pence=regular_weekly_pence,
        weekly_contribution_pence=weekly_contribution_pence,
        contribution_into_account_weekly_pence=into_account,
        contribution_billed_weekly_pence=billed,
        cycle_gross_pence=gross,
        cycle_contribution_pence=contribution,
        cycle_council_payment_pence=council,
        one_off_pence=one_off_pence,
        breakdown=lines,
    )
