from django.urls import path

from dp.assessments import views

app_name = "assessments"
urlpatterns = [
    path("cases/<int:case_id>/direct-payment-offers/new/", views.offer_new, name="offer_new"),
    path("cases/<int:case_id>/eligibility/new/", views.eligibility_new, name="eligibility_new"),
    path("cases/<int:case_id>/eligibility/<int:decision_id>/", views.eligibility_detail, name="eligibility_detail"),
    path(
        "cases/<int:case_id>/eligibility/<int:decision_id>/letter/",
        views.eligibility_letter,
        name="eligibility_letter",
    ),
    path("cases/<int:case_id>/needs-assessments/new/", views.needs_new, name="needs_new"),
    path("cases/<int:case_id>/needs-assessments/<int:assessment_id>/", views.needs_detail, name="needs_detail"),
    path("cases/<int:case_id>/needs-assessments/<int:assessment_id>/edit/", views.needs_edit, name="needs_edit"),
    path(
        "cases/<int:case_id>/needs-assessments/<int:assessment_id>/complete/",
        views.needs_complete,
        name="needs_complete",
    ),
    path("cases/<int:case_id>/financial-assessments/new/", views.financial_new, name="financial_new"),
    path(
        "cases/<int:case_id>/financial-assessments/<int:assessment_id>/",
        views.financial_detail,
        name="financial_detail",
    ),
    path(
        "cases/<int:case_id>/financial-assessments/<int:assessment_id>/edit/",
        views.financial_edit,
        name="financial_edit",
    ),
    path(
        "cases/<int:case_id>/financial-assessments/<int:assessment_id>/complete/",
        views.financial_complete,
        name="financial_complete",
    ),
    path(
        "cases/<int:case_id>/financial-assessments/<int:assessment_id>/letter/",
        views.financial_letter,
        name="financial_letter",
    ),
    path("national-figures/", views.national_figures, name="national_figures"),
    path(
        "national-figures/<str:table>/<str:year>/<str:name>/",
        views.national_figure_enter,
        name="national_figure_enter",
    ),
    path("uprating/", views.uprating_list, name="uprating_list"),
    path("uprating/<int:batch_id>/", views.uprating_detail, name="uprating_detail"),
    path("uprating/<int:batch_id>/approve/", views.uprating_approve, name="uprating_approve"),
    path("uprating/<int:batch_id>/letters/", views.uprating_letters, name="uprating_letters"),
    path("uprating/<int:batch_id>/people/<int:item_id>/letter/", views.uprating_letter, name="uprating_letter"),
]
