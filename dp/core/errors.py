"""The project's exception hierarchy (in the style of django-hordak's `exceptions.py`).

Services raise these; views turn them into form errors or messages. Each carries a plain-English
message that can be shown to staff as it is.
"""

from __future__ import annotations


class DirectPaymentsError(Exception):
    """Base class for every error the system raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DirectPaymentsError):
    """Input broke a rule; `field` names the input at fault where there is one."""


class TransitionNotAllowed(DirectPaymentsError):
    """A workflow was asked to move from a status to one its table does not allow."""


class PermissionDenied(DirectPaymentsError):
    """The acting user may not do this (for example approve their own work)."""


class PolicyMissing(DirectPaymentsError):
    """A council policy parameter or national figure needed for a date has not been entered."""


class MoneyFormatError(ValidationFailed):
    """Text that should be an amount of money is not, or has a fraction of a penny."""
