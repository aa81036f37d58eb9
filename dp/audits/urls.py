from django.urls import path

from dp.audits import views

app_name = "audits"

urlpatterns = [
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/run-checks/", views.sweep_run, name="sweep_run"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:finding_id>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("findings/<int:finding_id>/open-audit/", views.finding_open_audit, name="finding_open_audit"),
    path("findings/<int:finding_id>/add-to-audit/", views.finding_add_to_audit, name="finding_add_to_audit"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/due/", views.audit_due, name="audit_due"),
    path("audits/due/<int:schedule_id>/open/", views.audit_open, name="audit_open"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit_detail"),
    path(
        "audits/<int:audit_id>/request-information/",
        views.audit_request_information,
        name="audit_request_information",
    ),
    path("audits/<int:audit_id>/records-letter/", views.audit_letter_pdf, name="audit_letter_pdf"),
    path("audits/<int:audit_id>/received/", views.audit_received, name="audit_received"),
    path("audits/<int:audit_id>/outcome/", views.audit_outcome, name="audit_outcome"),
    path("audits/<int:audit_id>/recovery/surplus/", views.recovery_propose_surplus, name="recovery_propose_surplus"),
    path("audits/<int:audit_id>/recovery/misuse/", views.recovery_propose_misuse, name="recovery_propose_misuse"),
    path("recoveries/<int:recovery_id>/notice/", views.recovery_notice_pdf, name="recovery_notice_pdf"),
    path("recoveries/<int:recovery_id>/discussion/", views.recovery_discussion, name="recovery_discussion"),
    path("recoveries/<int:recovery_id>/decide/", views.recovery_decide, name="recovery_decide"),
    path("recoveries/<int:recovery_id>/approve/", views.recovery_approve, name="recovery_approve"),
    path("recoveries/<int:recovery_id>/received/", views.recovery_settle, name="recovery_settle"),
    path("recoveries/<int:recovery_id>/recoup-file/", views.recovery_recoup_file, name="recovery_recoup_file"),
    path("recoveries/<int:recovery_id>/review/", views.recovery_review_request, name="recovery_review_request"),
    path("recoveries/<int:recovery_id>/review/decide/", views.recovery_review_decide, name="recovery_review_decide"),
    path("recoveries/<int:recovery_id>/repay/", views.recovery_repay, name="recovery_repay"),
    path("recoveries/outstanding/", views.recoveries_outstanding, name="recoveries_outstanding"),
    path("recoveries/<int:recovery_id>/invoice-rest/", views.recovery_rest_by_invoice, name="recovery_rest_by_invoice"),
]
