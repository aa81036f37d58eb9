from django.urls import path

from dp.audit_log import views

app_name = "audit_log"
urlpatterns = [path("", views.event_list, name="list")]
