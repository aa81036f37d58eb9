"""The council this installation serves, its area, and its effective-dated policy values."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Council(models.Model):
    """The council. One row per installation (the service is run by one council)."""

    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class PostcodeDistrict(models.Model):
    """A postcode district (outward code such as "ST4") inside the council's area."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="districts")
    district = models.CharField(max_length=4)

    class Meta:
        ordering = ["district"]
        constraints = [models.UniqueConstraint(fields=["council", "district"], name="unique_council_district")]

    def __str__(self) -> str:
        return self.district


class PolicyValue(models.Model):
    """A council policy parameter's value from a date. Never edited: a change is a new row."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="policy_values")
    key = models.CharField(max_length=80)
    value = models.JSONField()
    effective_from = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    set_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["council", "key", "effective_from"], name="unique_policy_value_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} from {self.effective_from}"
