from django.urls import path

from quanzi.commission import views

app_name = "commission"
urlpatterns = [
    path("me/earnings/", views.earnings, name="earnings"),
    path("merchant/distribution/", views.merchant_plans, name="merchant_plans"),
    path("merchant/distribution/plans/<id:plan_id>/", views.merchant_plan_update, name="merchant_plan_update"),
    path("ops/distribution/", views.ops, name="ops"),
]
