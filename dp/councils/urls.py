from django.urls import path

from dp.councils import views

app_name = "councils"
urlpatterns = [
    path("", views.council_settings, name="settings"),
    path("edit/", views.council_edit, name="edit"),
    path("policy/<slug:key>/", views.policy_value_set, name="policy_set"),
]
