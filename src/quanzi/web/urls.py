from django.urls import path

from quanzi.web import views

app_name = "web"

urlpatterns = [
    path("styleguide/", views.styleguide, name="styleguide"),
]
