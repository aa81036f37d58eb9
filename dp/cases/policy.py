"""Council policy parameters used by referrals and cases."""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

REFERRAL_TRIAGE_DAYS = REGISTRY.register(
    PolicyParameter(
        key="referral_triage_target_days",
        label="Days to triage a referral",
        kind="int",
        unit="days",
        minimum=1,
        maximum=60,
        help="Referrals waiting longer than this are shown as overdue in the triage queue.",
    )
)
CASE_NOTE_GRACE_MINUTES = REGISTRY.register(
    PolicyParameter(
        key="case_note_grace_minutes",
        label="Minutes a case note can be corrected",
        kind="int",
        unit="minutes",
        minimum=0,
        maximum=120,
        help="After this, a note can only be added to, never changed.",
    )
)
