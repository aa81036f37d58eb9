from django.urls import path

from dp.plans import views

app_name = "plans"
urlpatterns = [
    path("ras-schemes/", views.ras_list, name="ras_list"),
    path("ras-schemes/new/", views.ras_create, name="ras_create"),
    path("ras-schemes/<int:scheme_id>/", views.ras_detail, name="ras_detail"),
    path("ras-schemes/<int:scheme_id>/edit/", views.ras_edit, name="ras_edit"),
    path("ras-schemes/<int:scheme_id>/questions/new/", views.ras_question_add, name="ras_question_add"),
    path(
        "ras-schemes/<int:scheme_id>/questions/<int:question_id>/remove/",
        views.ras_question_remove,
        name="ras_question_remove",
    ),
    path("ras-schemes/<int:scheme_id>/publish/", views.ras_publish, name="ras_publish"),
    path("cases/<int:case_id>/indicative-budget/", views.indicative_budget, name="indicative_budget"),
    path("cases/<int:case_id>/plans/new/", views.plan_start, name="plan_start"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/outcomes/new/", views.outcome_add, name="outcome_add"),
    path("plans/<int:plan_id>/outcomes/<int:outcome_id>/remove/", views.outcome_remove, name="outcome_remove"),
    path("plans/<int:plan_id>/payees/new/", views.payee_add, name="payee_add"),
    path("plans/<int:plan_id>/payees/<int:payee_id>/remove/", views.payee_remove, name="payee_remove"),
    path("plans/<int:plan_id>/payees/<int:payee_id>/necessary/", views.payee_necessary, name="payee_necessary"),
    path("plans/<int:plan_id>/lines/new/", views.line_add, name="line_add"),
    path("plans/<int:plan_id>/lines/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path("plans/<int:plan_id>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:plan_id>/panel/", views.plan_panel, name="plan_panel"),
    path("plans/<int:plan_id>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:plan_id>/return/", views.plan_return, name="plan_return"),
]
