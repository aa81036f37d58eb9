from django.urls import path

from dp.payments import views

app_name = "payments"
urlpatterns = [
    path("payments/runs/", views.run_list, name="run_list"),
    path("payments/runs/new/", views.run_create, name="run_create"),
    path("payments/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("payments/runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("payments/runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("payments/runs/<int:run_id>/send/", views.run_start, name="run_start"),
    path("payments/runs/<int:run_id>/arrived/", views.run_settle, name="run_settle"),
    path("payments/runs/<int:run_id>/remittances/<str:payee>/", views.remittance_pdf, name="remittance_pdf"),
    path("payments/files/<int:file_id>/", views.file_download, name="file_download"),
    path("payments/bank-detail-changes/", views.bank_changes, name="bank_changes"),
    path("payments/bank-detail-changes/<int:change_id>/", views.bank_change_decide, name="bank_change_decide"),
    path("payments/money-managers/", views.manager_list, name="manager_list"),
    path("payments/money-managers/new/", views.manager_create, name="manager_create"),
    path("payments/bank-holidays/", views.bank_holidays, name="bank_holidays"),
    path("payments/bank-holidays/new/", views.bank_holiday_add, name="bank_holiday_add"),
    path("payments/bacs-details/", views.originator, name="originator"),
    path("people/<int:person_id>/money/", views.person_money, name="person_money"),
    path("people/<int:person_id>/contributions/", views.person_contributions, name="person_contributions"),
    path("people/<int:person_id>/accounts/new/<slug:kind>/", views.account_open, name="account_open"),
    path("payments/accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path("payments/accounts/<int:account_id>/card-status/", views.account_card_status, name="account_card_status"),
    path("payments/accounts/<int:account_id>/close/", views.account_close, name="account_close"),
    path("payments/accounts/<int:account_id>/bank-details/", views.bank_change_request, name="bank_change_request"),
    path(
        "payments/accounts/<int:account_id>/statements/<int:year>/<int:month>/",
        views.account_statement,
        name="account_statement",
    ),
    path("cases/<int:case_id>/payments/new/", views.schedule_create, name="schedule_create"),
    path("payments/schedules/<int:schedule_id>/", views.schedule_detail, name="schedule_detail"),
    path("payments/schedules/<int:schedule_id>/change/", views.schedule_change, name="schedule_change"),
    path("payments/schedules/<int:schedule_id>/account/", views.schedule_account, name="schedule_account"),
    path("payments/schedules/<int:schedule_id>/suspend/", views.schedule_suspend, name="schedule_suspend"),
    path("payments/schedules/<int:schedule_id>/resume/", views.schedule_resume, name="schedule_resume"),
    path("payments/schedules/<int:schedule_id>/end/", views.schedule_end, name="schedule_end"),
    path("payments/schedules/<int:schedule_id>/one-off/", views.schedule_one_off, name="schedule_one_off"),
    path(
        "payments/schedules/<int:schedule_id>/contributions/new/",
        views.contribution_record,
        name="contribution_record",
    ),
]
