"""Assessment records."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NationalFigureEntry(models.Model):
    """A national figure an administrator entered because the shipped table has none (RULES.md
    marks it derived or not found). It fills the gap for that rates year only; shipped verified
    figures cannot be overridden. Never edited: a correction is a new row, the newest wins."""

    table = models.CharField(max_length=20, choices=[("charging", "Charging"), ("minimum_wage", "Minimum wage")])
    rates_year = models.CharField(max_length=7)
    name = models.CharField(max_length=80)
    amount_pence = models.BigIntegerField()
    source = models.CharField(max_length=300, help_text="Where the figure comes from, e.g. LAC(DHSC)(2026)1")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["table", "rates_year", "name", "-entered_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gte=0), name="national_figure_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.rates_year} {self.name}={self.amount_pence}"
