"""The cashier (the shopper chooses how to pay), the page the shopper returns to, and the sandbox
provider's hosted page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from quanzi.core import clock
from quanzi.core.errors import DomainError, NotFound
from quanzi.core.money import yuan_to_fen
from quanzi.payments import cashier as choosing
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.models import SandboxTrade
from quanzi.payments.providers import Client
from quanzi.payments.providers.sandbox import SandboxProvider
from quanzi.payments.returns import return_url_for
from quanzi.payments.services import ProviderUnavailable, payment_for, payment_start, payment_sync
from quanzi.web.helpers import client_ip, hx_redirect, is_htmx, login_required

SHOWN_ACTIONS = ("qr", "jsapi", "form", "redirect")  # what the cashier page carries out after a choice


def _own(request, number: str):
    try:
        return payment_for(user=request.user, payment_number=number)
    except NotFound:
        raise Http404 from None


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=10,
                         image_factory=qrcode.image.svg.SvgPathFillImage)
    code.add_data(text)
    return code.make_image().to_string(encoding="unicode")


def _client(request) -> Client:
    return Client(ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:300],
                  openid=str(request.session.get("wechat_openid", ""))[:64])


@login_required
@require_http_methods(["GET", "POST"])
def cashier(request, number: str):
    """Choose a provider and method that fit this device, and pay: after checkout, and from an unpaid
    order's Pay button whenever there is more than one way to pay."""
    payment = _own(request, number)
    if payment.status == PaymentStatus.PAID:
        return HttpResponseRedirect(return_url_for(payment))
    if request.method == "POST":
        return _start(request, payment)
    device = choosing.device_of(request.headers.get("User-Agent", ""))
    choices = choosing.choices(device=device)
    fitting = [c for c in choices if c.fits]
    current = f"{payment.provider}:{payment.method}" if payment.trade_number else ""
    action = payment.action if payment.trade_number else {}
    show = request.GET.get("step") == "pay" and action.get("kind") in SHOWN_ACTIONS
    is_open = payment.status == PaymentStatus.CREATED and payment.expires_at > clock.now()
    options = fitting or choices  # none fits (Alipay only, inside WeChat): offer them all, with a note
    keys = [c.key for c in options]
    context = {
        "payment": payment, "is_open": is_open, "back_url": return_url_for(payment), "choices": options,
        "none_fit": bool(choices) and not fitting, "current": current,
        "selected": current if current in keys else (keys[0] if keys else ""),
        "action": action if show else None,
        "qr_svg": mark_safe(_qr_svg(action["url"])) if show and action.get("kind") == "qr" else "",  # noqa: S308 - our SVG
    }
    return TemplateResponse(request, "payments/cashier.html", context)


def _start(request, payment):
    provider, _sep, method = (request.POST.get("choice") or "").partition(":")
    try:
        payment = payment_start(user=request.user, payment_number=payment.number, provider=provider[:20],
                                method=method[:20], client=_client(request))
    except ProviderUnavailable as exc:
        if exc.redirect_url:
            return HttpResponseRedirect(exc.redirect_url)
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("payments:cashier", args=[payment.number]))
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("payments:cashier", args=[payment.number]))
    if payment.status == PaymentStatus.PAID:  # the previous method had been paid meanwhile
        return HttpResponseRedirect(return_url_for(payment))
    if payment.action.get("kind") == "redirect" and choosing.redirect_allowed(payment.action.get("url", "")):
        return HttpResponseRedirect(payment.action["url"])
    return HttpResponseRedirect(reverse("payments:cashier", args=[payment.number]) + "?step=pay")


@login_required
@require_GET
def cashier_status(request, number: str):
    """Polled by the cashier while a QR code or WeChat's bridge is shown: paid → on to the order."""
    payment = _own(request, number)
    if payment.status == PaymentStatus.PAID:
        url = return_url_for(payment)
        return hx_redirect(url) if is_htmx(request) else HttpResponseRedirect(url)
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
def sandbox_cashier(request, out_trade_no: str):
    """Plays the role of Alipay's cashier: shows the amount, the shopper pays or leaves. Mounted only where
    the sandbox provider is enabled (payments/urls.py), and answers 404 once it no longer is."""
    if not choosing.is_enabled("sandbox"):
        raise Http404
    trade = get_object_or_404(SandboxTrade, out_trade_no=out_trade_no)
    if request.method == "POST":
        if request.POST.get("action") == "pay" and trade.status == "WAIT_BUYER_PAY":
            SandboxProvider().pay(out_trade_no=trade.out_trade_no)
        return HttpResponseRedirect(trade.return_url)
    return TemplateResponse(request, "payments/sandbox_cashier.html",
                            {"trade": trade, "amount_fen": yuan_to_fen(trade.total_amount)})


@login_required
def payment_return(request, number: str):
    """The shopper is back from the provider: ask it directly (the notification may be late)."""
    payment = _own(request, number)
    payment = payment_sync(payment_number=payment.number)
    return HttpResponseRedirect(return_url_for(payment))
