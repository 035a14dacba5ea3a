from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.payments import services

router = Router(tags=["payments"])


class PaymentOut(Schema):
    number: str
    status: str
    amount: dict
    items: list[dict]
    paid_at: str | None
    expires_at: str


def payment_out(p) -> dict:
    return {"number": p.number, "status": p.status, "amount": {"amount": p.amount, "currency": p.currency},
            "items": p.items, "paid_at": p.paid_at.isoformat() if p.paid_at else None,
            "expires_at": p.expires_at.isoformat()}


@router.post("/notify/{provider}", auth=None, url_name="payment_notify", include_in_schema=True,
             summary="Provider notification (form-encoded, signed). Answers `success` or `failure`.",
             response={200: str})
def notify(request, provider: str):
    if provider != "sandbox":
        return HttpResponse("failure", content_type="text/plain", status=404)
    data = request.POST.dict() if request.POST else {}
    return HttpResponse(services.payment_handle_notification(provider=provider, data=data), content_type="text/plain")


@router.get("/{number}", response=PaymentOut, auth=auth)
def payment_detail(request, number: str):
    return payment_out(services.payment_for(user=request.auth, payment_number=number))


@router.post("/{number}/sync", response=PaymentOut, auth=auth,
             summary="Ask the provider for the payment's status now (the platform's query/poll)")
def payment_sync(request, number: str):
    services.payment_for(user=request.auth, payment_number=number)
    return payment_out(services.payment_sync(payment_number=number))


__all__ = ["router", "_"]
