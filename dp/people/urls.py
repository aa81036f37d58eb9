from django.urls import path

from dp.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("new/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/relationships/new/", views.relationship_add, name="relationship_add"),
    path("<int:person_id>/relationships/<int:relationship_id>/end/", views.relationship_end, name="relationship_end"),
    path("<int:person_id>/capacity/new/", views.capacity_record, name="capacity_record"),
]
