"""Staff roles. Each role is a Django Group of the same name, created by a data migration.

The values are stable identifiers (used in group names, access policies and tests); the labels
are what people read.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker / case manager"
    DP_SUPPORT = "dp_support", "Direct payment support officer"
    FINANCIAL_ASSESSOR = "financial_assessor", "Financial assessment officer"
    PAYMENTS_OFFICER = "payments_officer", "Payments officer"
    AUDITOR = "auditor", "Auditor"
    TEAM_MANAGER = "team_manager", "Team manager"
    SYSTEM_ADMIN = "system_admin", "System administrator"


ALL_ROLES: frozenset[str] = frozenset(Role.values)
# Roles that work with people's care records (everyone but the system administrator, whose job is
# the system, not the people in it).
CARE_ROLES: frozenset[str] = ALL_ROLES - {Role.SYSTEM_ADMIN}
