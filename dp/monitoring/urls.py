from django.urls import path

from dp.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/statements/", views.import_list, name="import_list"),
    path("monitoring/statements/new/", views.import_create, name="import_create"),
    path("monitoring/statements/<int:import_id>/", views.import_detail, name="import_detail"),
    path("monitoring/statements/<int:import_id>/again/", views.import_retry, name="import_retry"),
    path("monitoring/column-layouts/", views.mapping_list, name="mapping_list"),
    path("monitoring/column-layouts/new/", views.mapping_edit, name="mapping_create"),
    path("monitoring/column-layouts/<int:mapping_id>/", views.mapping_edit, name="mapping_edit"),
    path("monitoring/merchant-rules/", views.rule_list, name="rule_list"),
    path("monitoring/merchant-rules/new/", views.rule_create, name="rule_create"),
    path("monitoring/merchant-rules/apply/", views.rule_apply, name="rule_apply"),
    path("monitoring/merchant-rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("monitoring/merchant-rules/<int:rule_id>/stop/", views.rule_end, name="rule_end"),
    path("monitoring/accounts/<int:account_id>/transactions/", views.account_transactions, name="account_transactions"),
    path(
        "monitoring/accounts/<int:account_id>/receipts/new/", views.period_receipt_upload, name="period_receipt_upload"
    ),
    path(
        "monitoring/transactions/<int:transaction_id>/categorise/",
        views.transaction_categorise,
        name="transaction_categorise",
    ),
    path("monitoring/transactions/<int:transaction_id>/receipts/new/", views.receipt_upload, name="receipt_upload"),
    path("monitoring/receipts/<int:receipt_id>/", views.receipt_download, name="receipt_download"),
]
