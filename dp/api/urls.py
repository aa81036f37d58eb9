from django.urls import path

from dp.api import views

app_name = "api"
urlpatterns = [
    path("", views.api_docs, name="docs"),
    path("v1/openapi.json", views.schema_view, name="schema"),
    path("v1/calculate/<str:kind>", views.calculate_view, name="calculate"),
]
