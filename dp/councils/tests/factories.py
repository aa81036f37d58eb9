from __future__ import annotations

import datetime as dt

import factory

from dp.councils.models import Council, PolicyValue, PostcodeDistrict


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        skip_postgeneration_save = True

    name = "Testshire County Council"
    short_name = "Testshire"
    contact_email = "dp@testshire.example"

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            for d in extracted if extracted is not None else ["NM1", "NM2"]:
                PostcodeDistrict.objects.create(council=self, district=d)

    @factory.post_generation
    def policy(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            values = {"referral_triage_target_days": 5, "case_note_grace_minutes": 15}
            values.update(extracted or {})
            for key, value in values.items():
                PolicyValue.objects.create(
                    council=self,
                    key=key,
                    value=value,
                    effective_from=dt.date(2020, 1, 1),
                    set_at="2020-01-01T00:00:00Z",
                    reason="Test set-up",
                )
