from django.urls import path

from dp.staff import views

app_name = "staff"
urlpatterns = [
    path("sign-in/", views.login_view, name="login"),
    path("sign-out/", views.logout_view, name="logout"),
    path("sign-in/two-factor/", views.two_factor_view_, name="two_factor"),
    path("staff/", views.staff_list, name="list"),
    path("staff/new/", views.staff_edit, name="create"),
    path("staff/<int:user_id>/", views.staff_edit, name="edit"),
    path("staff/<int:user_id>/password-link/", views.password_link, name="password_link"),
    path("set-password/<str:uidb64>/<str:token>/", views.set_password, name="set_password"),
]
