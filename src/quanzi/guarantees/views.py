"""Pages of guarantees: a shop's guarantee page; the buyer's claims (file one with photos, list, detail with its
timeline); the merchant console's guarantees & deposit (opt in, pay the deposit, answer claims); the operator's
queue of claims awaiting a decision. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan
from quanzi.guarantees import selectors, services
from quanzi.guarantees.constants import (
    COUNTERFEIT_MULTIPLE,
    MAX_PHOTOS,
    MIN_DEPOSIT,
    SHIP_COMPENSATION,
    SHIP_HOURS,
    GuaranteeKind,
)
from quanzi.orders.selectors import order_line_for_buyer
from quanzi.payments.services import payment_pay_url
from quanzi.shops.access import merchant_required
from quanzi.shops.selectors import shop_get_selling
from quanzi.web.forms import parse_yuan
from quanzi.web.helpers import error_context, login_required, staff_required


def _kinds() -> list[dict]:
    """Every guarantee with what it promises, for the guarantee page and the console."""
    return [
        {"kind": GuaranteeKind.COUNTERFEIT, "label": GuaranteeKind.COUNTERFEIT.label, "min": MIN_DEPOSIT["counterfeit"],
         "text": _("If an item turns out to be counterfeit, you get %(n)d× what you paid for it back, up to the "
                   "deposit the shop keeps for this promise.") % {"n": COUNTERFEIT_MULTIPLE}},
        {"kind": GuaranteeKind.RETURNS_7DAY, "label": GuaranteeKind.RETURNS_7DAY.label,
         "min": MIN_DEPOSIT["returns_7day"],
         "text": _("Return an item within 7 days of delivery without giving a reason; if the shop refuses, the "
                   "platform refunds you what you paid from the shop's deposit.")},
        {"kind": GuaranteeKind.SHIP_ON_TIME, "label": GuaranteeKind.SHIP_ON_TIME.label,
         "min": MIN_DEPOSIT["ship_on_time"],
         "text": _("The parcel leaves within %(h)d hours of payment, or you get %(c)s in compensation.")
         % {"h": SHIP_HOURS, "c": "¥" + format_yuan(SHIP_COMPENSATION)}},
    ]


def shop_page(request, shop_id: int):
    """What the shop promises, the deposit that backs it and how many of its orders were disputed."""
    shop = shop_get_selling(shop_id=shop_id)
    if shop is None:
        raise Http404
    info = selectors.shop_guarantees(shop_id=shop.pk)
    kinds = [k for k in _kinds() if info["live"] and k["kind"] in info["kinds"]]
    return TemplateResponse(request, "guarantees/shop.html", {
        "shop": shop, "info": info, "kinds": kinds, "stats": selectors.shop_dispute_stats(shop=shop)})


# ---------------------------------------------------------------- buyer

@login_required
def mine(request):
    claims, next_cursor = selectors.claims_for_buyer(user=request.user, cursor=request.GET.get("cursor"))
    return TemplateResponse(request, "guarantees/mine.html", {"claims": claims, "next_cursor": next_cursor})


@login_required
def file_claim(request, line_id: int):
    line = order_line_for_buyer(user=request.user, line_id=line_id)
    if line is None:
        raise Http404
    info = selectors.shop_guarantees(shop_id=line.order.shop_id)
    choices = [(k, GuaranteeKind(k).label) for k in info["kinds"]]
    context = {"line": line, "order": line.order, "choices": choices, "max_photos": MAX_PHOTOS,
               "form": {"kind": request.POST.get("kind", choices[0][0] if choices else ""),
                        "description": request.POST.get("description", "")}}
    if request.method == "POST":
        try:
            claim = services.claim_file(user=request.user, line_id=line.pk, kind=request.POST.get("kind", ""),
                                        description=request.POST.get("description", ""),
                                        photos=request.FILES.getlist("photos")[:MAX_PHOTOS + 1])
        except DomainError as exc:
            context.update(error_context(exc))
            return TemplateResponse(request, "guarantees/file.html", context, status=exc.status)
        messages.success(request, _("Claim filed. The merchant has 3 days to answer, then the platform decides."))
        return HttpResponseRedirect(reverse("guarantees:detail", args=[claim.number]))
    return TemplateResponse(request, "guarantees/file.html", context)


@login_required
def claim_detail(request, number: str):
    claim = selectors.claim_for_buyer(user=request.user, number=number)
    if claim is None:
        raise Http404
    return TemplateResponse(request, "guarantees/detail.html", {"claim": claim, "viewer": "buyer"})


# ---------------------------------------------------------------- merchant console

@merchant_required
def merchant(request):
    shop = request.shop
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            services.guarantee_opt_in(user=request.user, kind=kind)
            messages.success(request, _("Guarantee added. It shows to shoppers once your deposit covers it."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("guarantees:merchant"))
    account = selectors.shop_deposit_account(shop=shop)
    claims, _next = selectors.claims_for_shop(shop=shop, limit=30)
    return TemplateResponse(request, "guarantees/merchant.html", {
        "shop": shop, "console_tab": "guarantees", "account": account, "kinds": _kinds(), "claims": claims,
        "stats": selectors.shop_dispute_stats(shop=shop), "suggested": format_yuan(max(account["lacking"], 100))})


@merchant_required
@require_POST
def merchant_deposit(request):
    try:
        amount = parse_yuan(request.POST.get("amount"), "amount")
        _row, payment = services.deposit_start(user=request.user, amount=amount)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("guarantees:merchant"))
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@merchant_required
def merchant_claim(request, number: str):
    claim = selectors.claim_for_shop(shop=request.shop, number=number)
    if claim is None:
        raise Http404
    if request.method == "POST":
        try:
            services.claim_answer(user=request.user, number=number, accept=request.POST.get("answer") == "accept",
                                  note=request.POST.get("note", ""))
            messages.success(request, _("Answer sent. The platform decides next."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("guarantees:merchant_claim", args=[number]))
    return TemplateResponse(request, "guarantees/merchant_claim.html", {
        "shop": request.shop, "console_tab": "guarantees", "claim": claim, "viewer": "merchant"})


# ---------------------------------------------------------------- operator

@staff_required
def ops_queue(request):
    return TemplateResponse(request, "guarantees/ops_queue.html",
                            {"queue": selectors.claims_awaiting_decision()})


@staff_required
def ops_claim(request, number: str):
    claim = selectors.claim_for_operator(number=number)
    if claim is None:
        raise Http404
    if request.method == "POST":
        decision = str(request.POST.get("decision", ""))[:10]
        try:
            amount = None
            if decision == "upheld" and request.POST.get("amount"):
                amount = parse_yuan(request.POST.get("amount"), "amount")
            services.claim_decide(operator=request.user, number=number, decision=decision, amount=amount,
                                  note=request.POST.get("note", ""))
            messages.success(request, _("Upheld and paid to the buyer's wallet.") if decision == "upheld"
                             else _("Claim rejected."))
            return HttpResponseRedirect(reverse("guarantees:ops_queue"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("guarantees:ops_claim", args=[number]))
    return TemplateResponse(request, "guarantees/ops_claim.html", {
        "claim": claim, "viewer": "operator", "deposit": selectors.deposit_balance(shop_id=claim.shop_id),
        "stats": selectors.shop_dispute_stats(shop=claim.shop)})
