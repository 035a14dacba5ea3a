from django.conf import settings
from django.urls import path

from quanzi.payments import views

app_name = "payments"
urlpatterns = [
    path("pay/<str:number>/", views.cashier, name="cashier"),
    path("pay/<str:number>/status/", views.cashier_status, name="cashier_status"),
    path("pay/return/<str:number>/", views.payment_return, name="return"),
]


def _sandbox_named() -> bool:
    value = settings.QUANZI.get("PAYMENT_PROVIDERS", "") or ""
    names = value.split(",") if isinstance(value, str) else list(value)
    return "sandbox" in {str(n).strip() for n in names}


# The sandbox's hosted page exists only where the sandbox provider is enabled: never in production
# unless a staging site opts in (payments/checks.py).
if _sandbox_named():
    urlpatterns.append(path("sandbox/pay/<str:out_trade_no>/", views.sandbox_cashier, name="sandbox_cashier"))
