"""Live-sales pages and the forms of the room panel and the host console.

The room page belongs to the live app; it includes `livesales/partials/room_panel.html`, whose forms
post here. With HTMX the answer is a small fragment swapped into the panel (the viewer never leaves
the room; the cashier opens in a new tab); without it the buy form itself targets a new tab and is
redirected to the cashier there.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quanzi.accounts.selectors import address_default
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.livesales import selectors, services
from quanzi.livesales.models import LivePrice
from quanzi.payments.services import payment_pay_url
from quanzi.web.forms import parse_yuan
from quanzi.web.helpers import address_first, is_htmx, login_required


def _int_or_none(text) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def room_url(number: str) -> str:
    return f"/live/{number}/"


def _back(request, number: str) -> HttpResponseRedirect:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return HttpResponseRedirect(referer)
    return HttpResponseRedirect(room_url(number))


# ---------------------------------------------------------------- viewer: buy and tip in the room

@require_GET
def room_panel(request, number: str):
    """The panel alone (HTMX refresh after a live-price event)."""
    try:
        room = services.room_by_number(number=number)
    except DomainError:
        raise Http404
    return TemplateResponse(request, "livesales/partials/room_panel.html", {"room": room})


@login_required
@require_POST
def buy(request, number: str):
    htmx = is_htmx(request)
    address = address_default(user=request.user)
    if address is None:
        return address_first(request, back_to=room_url(number))
    try:
        order, payment = services.live_buy(
            user=request.user, room_number=number, sku_id=_int_or_none(request.POST.get("sku")),
            quantity=_int_or_none(request.POST.get("quantity")) or 1, address_id=address.pk,
            live_price_id=_int_or_none(request.POST.get("live_price")))
    except DomainError as exc:
        if htmx:
            return TemplateResponse(request, "livesales/partials/result.html",
                                    {"ok": False, "message": exc.message, "code": exc.code, "kind": "buy"})
        messages.error(request, exc.message)
        return HttpResponseRedirect(room_url(number))
    pay_url = payment_pay_url(payment=payment)
    if not htmx:
        return HttpResponseRedirect(pay_url)
    line = order.lines.all()[0]
    live_left = None
    if line.price_source == "live":
        lp = LivePrice.objects.filter(pk=int(line.price_source_ref)).first()
        live_left = (lp.pk, services.pool_left(live_price=lp)) if lp else None
    return TemplateResponse(request, "livesales/partials/result.html",
                            {"ok": True, "kind": "buy", "pay_url": pay_url, "order": order, "payment": payment,
                             "live_left": live_left})


@login_required
@require_POST
def tip(request, number: str):
    try:
        sent = services.tip_send(user=request.user, room_number=number, gift_id=_int_or_none(request.POST.get("gift")),
                                 count=_int_or_none(request.POST.get("count")) or 1)
    except DomainError as exc:
        if is_htmx(request):
            return TemplateResponse(request, "livesales/partials/result.html",
                                    {"ok": False, "message": exc.message, "code": exc.code, "kind": "tip"})
        messages.error(request, exc.message)
        return HttpResponseRedirect(room_url(number))
    if is_htmx(request):
        return TemplateResponse(request, "livesales/partials/result.html",
                                {"ok": True, "kind": "tip", "tip": sent,
                                 "account": selectors.tip_account(user=request.user)})
    messages.success(request, _("Thank you for the %(g)s!") % {"g": sent.gift.name})
    return HttpResponseRedirect(room_url(number))


# ---------------------------------------------------------------- host console

@login_required
@require_POST
def price_start(request, number: str):
    try:
        minutes = _int_or_none(request.POST.get("minutes")) or 10
        services.live_price_start(
            user=request.user, room_number=number, sku_id=_int_or_none(request.POST.get("sku")),
            price=parse_yuan(request.POST.get("price"), "price"), stock=_int_or_none(request.POST.get("stock")),
            per_user_limit=_int_or_none(request.POST.get("per_user_limit")) or 1, duration_seconds=minutes * 60)
    except DomainError as exc:
        if exc.code == "room_not_found":
            raise Http404
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The live price is on."))
    return _back(request, number)


@login_required
@require_POST
def price_end(request, price_id: int):
    number = LivePrice.objects.filter(pk=price_id).values_list("room__number", flat=True).first()
    if number is None:
        raise Http404
    try:
        services.live_price_end(live_price_id=price_id, user=request.user)
    except DomainError:
        raise Http404
    messages.success(request, _("The live price has ended; its stock is back on the SKU."))
    return _back(request, number)


# ---------------------------------------------------------------- /me/tips/

@login_required
def my_tips(request):
    return TemplateResponse(request, "livesales/my_tips.html", {
        "account": selectors.tip_account(user=request.user), "topups": selectors.my_topups(user=request.user),
        "tips": selectors.my_tips(user=request.user), "gifts": selectors.gifts()})


@login_required
@require_POST
def topup(request):
    try:
        amount = parse_yuan(request.POST.get("amount"), "amount")
        _topup, payment = services.topup_start(user=request.user, amount=amount)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("livesales:my_tips"))
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@login_required
@require_POST
def declaration(request):
    try:
        try:
            birth = dt.date.fromisoformat(str(request.POST.get("birth_date") or "").strip())
        except ValueError:
            raise ValidationFailed(_("Enter a valid date of birth."), code="invalid_birth_date",
                                   fields={"birth_date": "invalid"})
        services.declaration_submit(user=request.user, real_name=request.POST.get("real_name", ""), birth_date=birth)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your declaration is recorded."))
    return HttpResponseRedirect(reverse("livesales:my_tips"))
