from django.urls import include, path

urlpatterns = [
    path("", include("dp.queues.urls")),
    path("", include("dp.staff.urls")),
    path("", include("dp.core.urls")),
    path("people/", include("dp.people.urls")),
    path("", include("dp.cases.urls")),
    path("council/", include("dp.councils.urls")),
    path("", include("dp.assessments.urls")),
    path("", include("dp.plans.urls")),
    path("", include("dp.agreements.urls")),
    path("", include("dp.payments.urls")),
    path("", include("dp.monitoring.urls")),
    path("", include("dp.audits.urls")),
    path("", include("dp.employment.urls")),
    path("audit-log/", include("dp.audit_log.urls")),
    path("api/", include("dp.api.urls")),
]

handler404 = "dp.core.views.not_found"
