from django.urls import path

from quanzi.live import hooks, views

app_name = "live"
urlpatterns = [
    path("live/", views.schedule, name="schedule"),
    path("live/<str:number>/", views.room_page, name="room"),
    path("live/<str:number>/remind/", views.remind, name="remind"),
    path("live/<str:number>/console/", views.console, name="console"),
    path("live/<str:number>/replay/", views.replay, name="replay"),
    path("live/<str:number>/stats/", views.stats, name="stats"),
    path("live/hooks/nginx/<str:action>", hooks.nginx_hook, name="hook_nginx"),
    path("live/hooks/srs/<str:action>", hooks.srs_hook, name="hook_srs"),
    path("merchant/live/", views.merchant_rooms, name="merchant_rooms"),
    path("merchant/live/<str:number>/", views.merchant_room, name="merchant_room"),
]
