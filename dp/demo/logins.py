"""The demo staff accounts, one (or two) per role. Synthetic people; the password is printed by
`bin/run` and `manage.py demo_logins`. Never used outside the demo settings."""

from __future__ import annotations

from dataclasses import dataclass

from dp.staff.roles import Role

DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    team: str | None
    job_title: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("social.worker", "Sam", "Okafor", (Role.SOCIAL_WORKER,), "Adults North", "Social worker"),
    DemoLogin(
        "team.manager",
        "Priya",
        "Lawson",
        (Role.TEAM_MANAGER,),
        "Adults North",
        "Team manager, chairs the funding panel",
    ),
    DemoLogin("dp.support", "Alex", "Morgan", (Role.DP_SUPPORT,), None, "Direct payment support officer"),
    DemoLogin("finance.officer", "Chris", "Bennett", (Role.FINANCIAL_ASSESSOR,), None, "Financial assessment officer"),
    DemoLogin("payments.officer", "Jordan", "Ellis", (Role.PAYMENTS_OFFICER,), None, "Payments officer"),
    DemoLogin(
        "payments.approver",
        "Morgan",
        "Reid",
        (Role.PAYMENTS_OFFICER,),
        None,
        "Senior payments officer (second approver)",
    ),
    DemoLogin("auditor", "Taylor", "Hughes", (Role.AUDITOR,), None, "Direct payments auditor"),
    DemoLogin("admin", "Robin", "Carter", (Role.SYSTEM_ADMIN,), None, "System administrator"),
)
