from django.urls import path

from quanzi.privacy import views

app_name = "privacy"
urlpatterns = [
    path("me/privacy/", views.centre, name="centre"),
    path("me/privacy/policy/", views.policy, name="policy"),
    path("me/privacy/consent/", views.consent, name="consent"),
    path("me/privacy/guardian/", views.guardian, name="guardian"),
    path("me/privacy/export/", views.export_start, name="export"),
    path("me/privacy/export/<str:token>/", views.export_download, name="export_download"),
    path("me/privacy/delete/", views.delete_account, name="delete"),
    path("me/privacy/delete/cancel/", views.delete_cancel, name="delete_cancel"),
]
