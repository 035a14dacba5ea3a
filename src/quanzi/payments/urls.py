from django.urls import path

from quanzi.payments import views

app_name = "payments"
urlpatterns = [
    path("sandbox/pay/<str:out_trade_no>/", views.sandbox_cashier, name="sandbox_cashier"),
    path("pay/return/<str:number>/", views.payment_return, name="return"),
]
