from django.urls import path

from dp.agreements import views

app_name = "agreements"
urlpatterns = [
    path("cases/<int:case_id>/agreement/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:agreement_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("agreements/<int:agreement_id>/sign/", views.agreement_sign, name="agreement_sign"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("cases/<int:case_id>/reviews/new/", views.review_request, name="review_request"),
    path("reviews/<int:review_id>/complete/", views.review_complete, name="review_complete"),
]
