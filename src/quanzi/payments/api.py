"""The payments API: the providers' notify URL, and the shopper's own payments (status, the cashier's
choices, starting a provider's trade)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.errors import RateLimited
from quanzi.core.http import error_response
from quanzi.core.ratelimit import hit
from quanzi.payments import cashier, services
from quanzi.payments.providers import Answer, Client
from quanzi.web.helpers import client_ip

logger = logging.getLogger("quanzi.payments")
router = Router(tags=["payments"])
NOTIFY_MAX_FIELDS = 200  # Alipay sends about 30
NOTIFY_KEEP_REJECTED_PER_MINUTE = 30  # per address: beyond this, rejected notifications are logged, not kept


class PaymentChoiceOut(Schema):
    provider: str
    method: str
    label: str
    hint: str
    fits: bool  # works on the device that asked (from its User-Agent)


class PaymentActionOut(Schema):
    kind: str  # "redirect" (open url), "qr" (show url as a QR code), "jsapi" (WeixinJSBridge params), "form"
    url: str
    params: dict


class PaymentOut(Schema):
    number: str
    status: str
    amount: dict
    items: list[dict]
    paid_at: str | None
    expires_at: str
    provider: str  # "" until the shopper chose
    method: str
    pay_url: str  # the web cashier (or the provider's page when there is nothing to choose)
    action: PaymentActionOut | None  # what the device does to pay the open trade
    choices: list[PaymentChoiceOut]


class PaymentStartIn(Schema):
    provider: str
    method: str
    openid: str = ""  # WeChat JSAPI: the payer's openid for our app id


def payment_out(p, *, device: str | None = None) -> dict:
    open_ = p.status == "created"
    return {"number": p.number, "status": p.status, "amount": {"amount": p.amount, "currency": p.currency},
            "items": p.items, "paid_at": p.paid_at.isoformat() if p.paid_at else None,
            "expires_at": p.expires_at.isoformat(), "provider": p.provider, "method": p.method,
            "pay_url": services.payment_pay_url(payment=p), "action": services.payment_action(payment=p),
            "choices": [{"provider": c.provider, "method": c.method, "label": c.label, "hint": c.hint, "fits": c.fits}
                        for c in cashier.choices(device=device)] if open_ else []}


def _device(request) -> str:
    return cashier.device_of(request.headers.get("User-Agent", ""))


# ---------------------------------------------------------------- the providers' notify URL


def _answer(answer: Answer) -> HttpResponse:
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


REFUSALS = {  # reason → (status, code, message): answered in the one error shape, before any verification
    "too large": (413, "notification_too_large", gettext_lazy("The notification is too large.")),
    "too many fields": (400, "too_many_fields", gettext_lazy("The notification has too many fields.")),
    "malformed form": (400, "malformed_form", gettext_lazy("The notification is not a well-formed form.")),
}


def _refused(provider: str, reason: str, size: int, keep: bool) -> HttpResponse:
    """A request refused before it was read as a notification: logged (kept as a bare record while the
    sender is within its allowance) and answered in the error shape; the provider retries on any 4xx."""
    services.payment_notification_refused(provider=provider, reason=reason, size=size, store=keep)
    status, code, message = REFUSALS[reason]
    return error_response(status, code, str(message))


_TEXT = {"text/plain": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}
NOTIFY_DOC = {
    "requestBody": {"required": False, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}},
        "application/json": {"schema": {"type": "object"}}}},
    "responses": {
        200: {"description": "Handled (`success`, WeChat Pay: `{\"code\": \"SUCCESS\"}`), or refused in the "
                             "provider's words (Alipay, the sandbox: `failure`)", "content": _TEXT},
        400: {"description": "Refused by the provider's rules (WeChat Pay: a FAIL body), or not a well-formed form "
                             "(too many fields: the error shape)", "content": _TEXT},
        404: {"description": "Not an enabled provider (the error shape)", "content": _TEXT},
        413: {"description": "Body above QUANZI_NOTIFY_MAX_BYTES (the error shape)", "content": _TEXT},
        429: {"description": "Too many notifications from this address (the error shape, `rate_limited`)",
              "content": _TEXT},
    },
}


@router.post("/notify/{provider}", auth=None, url_name="payment_notify", openapi_extra=NOTIFY_DOC,
             summary="Provider notification (signed; form-encoded for Alipay, JSON for WeChat Pay). Answers in "
                     "the provider's own words.")
def notify(request, provider: str):
    if not cashier.is_enabled(provider):
        return error_response(404, "provider_not_enabled", _("This payment provider is not enabled."))
    address = client_ip(request) or "unknown"
    try:
        left = hit("payments.notify", address, limit=settings.QUANZI.get("NOTIFY_RATE_PER_MINUTE", 600), window=60)
    except RateLimited as exc:
        logger.warning("payment notifications from %s to %s: rate limited", address, provider)
        return error_response(429, exc.code, exc.message, exc.fields)
    keep_rejected = settings.QUANZI.get("NOTIFY_RATE_PER_MINUTE", 600) - left <= NOTIFY_KEEP_REJECTED_PER_MINUTE
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    limit = settings.QUANZI.get("NOTIFY_MAX_BYTES", 64 * 1024)
    if size > limit:
        return _refused(provider, "too large", size, keep_rejected)
    body = request.body
    if len(body) > limit:  # no (or a false) Content-Length
        return _refused(provider, "too large", len(body), keep_rejected)
    form: dict[str, str] = {}
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True,
                                  max_num_fields=NOTIFY_MAX_FIELDS))
        except ValueError:
            return _refused(provider, "too many fields", len(body), keep_rejected)
    elif request.content_type == "multipart/form-data":  # not what providers send, but a form all the same
        try:
            form = {k: v for k, v in list(request.POST.items())[:NOTIFY_MAX_FIELDS]}
        except (SuspiciousOperation, ValueError):
            return _refused(provider, "malformed form", len(body), keep_rejected)
    answer = services.payment_notification_receive(provider=provider, body=body, headers=request.headers, form=form,
                                                   keep_rejected=keep_rejected)
    return _answer(answer)


# ---------------------------------------------------------------- the shopper's payments


@router.get("/{number}", response=PaymentOut, auth=auth,
            summary="A payment of mine: its status, the trade open at a provider and what the device does next")
def payment_detail(request, number: str):
    return payment_out(services.payment_for(user=request.auth, payment_number=number), device=_device(request))


@router.post("/{number}/start", response=PaymentOut, auth=auth,
             summary="Pay with this provider and method (the cashier's choice): opens the trade and answers "
                     "its action; switching closes the previous trade first")
def payment_start(request, number: str, payload: PaymentStartIn):
    client = Client(ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:300],
                    openid=payload.openid[:64])
    payment = services.payment_start(user=request.auth, payment_number=number, provider=payload.provider[:20],
                                     method=payload.method[:20], client=client)
    return payment_out(payment, device=_device(request))


@router.post("/{number}/sync", response=PaymentOut, auth=auth,
             summary="Ask the provider for the payment's status now (the platform's query/poll)")
def payment_sync(request, number: str):
    services.payment_for(user=request.auth, payment_number=number)
    return payment_out(services.payment_sync(payment_number=number), device=_device(request))


__all__ = ["router", "_"]
