from django.urls import path

from dp.employment import views

app_name = "employment"

urlpatterns = [
    path("employment/accounts/<int:account_id>/pay/", views.account_pay, name="account_pay"),
    path("employment/accounts/<int:account_id>/pay/new/", views.pay_record_add, name="pay_record_add"),
    path("employment/pay/<int:record_id>/correct/", views.pay_record_correct, name="pay_record_correct"),
    path("employment/pay/<int:record_id>/withdraw/", views.pay_record_withdraw, name="pay_record_withdraw"),
    path("employment/payroll-files/new/", views.payroll_import, name="payroll_import"),
    path("employment/accounts/<int:account_id>/money-owed/", views.account_commitments, name="account_commitments"),
    path("employment/accounts/<int:account_id>/money-owed/new/", views.commitment_add, name="commitment_add"),
    path("employment/money-owed/<int:commitment_id>/paid/", views.commitment_settle, name="commitment_settle"),
    path("employment/money-owed/<int:commitment_id>/withdraw/", views.commitment_withdraw, name="commitment_withdraw"),
]
