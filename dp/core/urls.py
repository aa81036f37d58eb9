from django.urls import path

from dp.core import views

app_name = "core"
urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
]
