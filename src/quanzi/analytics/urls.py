from django.urls import path

from quanzi.analytics import views

app_name = "analytics"
urlpatterns = [
    path("ops/analytics/", views.ops_dashboard, name="ops_dashboard"),  # the operator's dashboard (staff)
    path("merchant/data/", views.merchant_data, name="merchant_data"),  # the merchant's data centre
    path("merchant/data/plan/", views.merchant_plan_buy, name="merchant_plan_buy"),
]
