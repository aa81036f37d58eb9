"""Fetching pay records and money owed the user may see (404 for missing and forbidden alike).

Both belong to a direct payment account, and so to a person: whoever may open the person may see them; the
roles in `WRITE_ROLES` record and change them.
"""

from __future__ import annotations

from django.http import Http404

from dp.employment.models import Commitment, PayRecord
from dp.people.access import people_visible_to
from dp.staff.models import User
from dp.staff.roles import Role

#: Who records PAs' pay and money owed, and imports payroll files.
WRITE_ROLES = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR)


def access_pay_record_by_id(user: User, record_id: int) -> PayRecord:
    found = PayRecord.objects.filter(pk=record_id, account__person__in=people_visible_to(user))
    record = found.select_related("account__person", "payee").first()
    if record is None:
        raise Http404("No such pay record")
    return record


def access_commitment_by_id(user: User, commitment_id: int) -> Commitment:
    found = Commitment.objects.filter(pk=commitment_id, account__person__in=people_visible_to(user))
    commitment = found.select_related("account__person").first()
    if commitment is None:
        raise Http404("No such money owed")
    return commitment
