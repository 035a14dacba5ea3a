from django.urls import path

from quanzi.circle import views

app_name = "circle"
urlpatterns = [
    path("circle/", views.friends, name="friends"),
    path("me/circle/settings/", views.settings_page, name="settings"),
    path("circle/orders/<str:number>/visibility/", views.order_visibility, name="order_visibility"),
]
