from django.urls import path

from quanzi.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/<id:pk>/open/", views.open_notification, name="open"),
    path("notifications/<id:pk>/mute/", views.mute_sender, name="mute"),
    path("notifications/<id:pk>/report/", views.report_sender, name="report"),
    path("me/notifications/settings/", views.settings_page, name="settings"),
    path("me/notifications/unmute/", views.unmute_sender, name="unmute"),
]
