from django.urls import path

from quanzi.trust import views

app_name = "trust"
urlpatterns = [
    path("ops/trust/", views.queue, name="queue"),  # the operator's risk review queue (staff)
    path("ops/trust/run/", views.run, name="run"),
    path("ops/trust/<str:number>/", views.case, name="case"),
]
