from django.urls import path

from quanzi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("register/", views.register_view, name="register"),
    path("logout/", views.logout_view, name="logout"),
    path("me/password/", views.password_view, name="password"),
    path("me/security/", views.security_view, name="security"),
]
