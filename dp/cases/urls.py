from django.urls import path

from dp.cases import views

app_name = "cases"
urlpatterns = [
    path("people/<int:person_id>/referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:referral_id>/allocate/", views.referral_allocate, name="referral_allocate"),
    path(
        "referrals/<int:referral_id>/request-information/",
        views.referral_request_information,
        name="referral_request_information",
    ),
    path("referrals/<int:referral_id>/back-to-triage/", views.referral_return, name="referral_return"),
    path("referrals/<int:referral_id>/close/", views.referral_close, name="referral_close"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/status/", views.case_transition, name="case_transition"),
    path("cases/<int:case_id>/reallocate/", views.case_reallocate, name="case_reallocate"),
    path("cases/<int:case_id>/notes/new/", views.case_note_add, name="case_note_add"),
    path("notes/<int:note_id>/correct/", views.case_note_correct, name="case_note_correct"),
]
