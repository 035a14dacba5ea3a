"""Bargain pages: the bargain page (/b/<number>/) with help and buy, starting from the product block,
the shopper's list (/me/bargains/) and the merchant's campaign pages (/merchant/bargain/)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.accounts.selectors import address_default
from quanzi.bargain import selectors, services
from quanzi.bargain.constants import ACTIVE_STATUSES
from quanzi.core import clock
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.payments.services import payment_pay_url
from quanzi.sharing import selectors as share_selectors
from quanzi.sharing.services import CODE_RE as SHARE_CODE_RE
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for, parse_int, parse_yuan
from quanzi.web.helpers import address_first, int_or_none, is_htmx, login_required, safe_url
from quanzi.web.templatetags.quanzi_tags import yuan


def _login_url(request, bargain) -> str:
    """The login page, coming back to this bargain page *with its query*: a friend who arrived through
    a share link (?share=<code>) lands on it again signed in, so the click binds them to the sharer."""
    page = reverse("bargain:bargain", args=[bargain.number])
    here = request.get_full_path() if request.path == page else page  # the HTMX card comes from /help/
    return f"{resolve_url(settings.LOGIN_URL)}?next={quote(safe_url(request, here, page), safe='/')}"


def _bargain_context(request, bargain) -> dict:
    user = request.user
    now = clock.now()
    campaign = bargain.campaign
    is_starter = user.is_authenticated and user.pk == bargain.starter_id
    seconds_left = selectors.seconds_left(bargain=bargain)
    running = campaign.is_running(now)
    active = bargain.status in ACTIVE_STATUSES and seconds_left > 0 and running
    helped = selectors.has_helped(bargain=bargain, user=user)
    return {
        "bargain": bargain, "campaign": campaign, "product": campaign.product, "is_starter": is_starter,
        "helps": selectors.helps_for(bargain=bargain), "seconds_left": seconds_left, "helped": helped,
        "can_help": active and bargain.status == "open" and user.is_authenticated and not is_starter and not helped,
        "can_buy": active and is_starter, "active": active,
        # friends can still cut it: the invite sheet (the starter's link, or the page for anyone else)
        "can_invite": active and bargain.status == "open",
        "helps_to_floor": max(1, bargain.expected_helps - bargain.slots_used),
        "login_url": _login_url(request, bargain),
    }


def bargain_page(request, number: str):
    bargain = selectors.bargain_detail(number=number)
    if bargain is None:
        raise Http404
    context = _bargain_context(request, bargain)
    share_url = request.build_absolute_uri(reverse("bargain:bargain", args=[bargain.number]))
    poster_url = ""
    if context["is_starter"] and context["active"]:
        link = services.bargain_share_link(user=request.user, bargain=bargain)
        if link is not None:
            share_url = share_selectors.absolute(path=share_selectors.short_path(link=link))
            # a new cut draws a new poster: the version in the URL gets past the browser's cache
            poster_url = f"{reverse('bargain:poster', args=[link.code])}?v={bargain.helps_count}"
    context.update(share_url=share_url, poster_url=poster_url)
    return TemplateResponse(request, "bargain/bargain.html", context)


def poster(request, code: str):
    """The bargain poster of a share link (a PNG drawn once per price, then served from disk): public by
    its code like the sharing app's posters, since it is forwarded as an image."""
    from quanzi.bargain.poster import poster_file

    link = share_selectors.share_link_get(code=code) if SHARE_CODE_RE.match(code or "") else None
    if link is None or link.target_type != "bargain" or not link.is_active():
        raise Http404
    bargain = selectors.bargain_by_id(bargain_id=link.target_id)
    if bargain is None:
        raise Http404
    path = poster_file(bargain=bargain, starter=bargain.starter, code=link.code,
                       short_url=share_selectors.absolute(path=share_selectors.short_path(link=link)))
    response = FileResponse(open(path, "rb"), content_type="image/png")  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "public, max-age=600"
    return response


@login_required
def help_cut(request, number: str):
    if request.method != "POST":  # back from the login page: show the bargain again
        return HttpResponseRedirect(reverse("bargain:bargain", args=[number]))
    result, ok = "", False
    try:
        help_ = services.bargain_help(user=request.user, number=number)
        result, ok = _("You cut %(amount)s off!") % {"amount": yuan(help_.amount)}, True
    except DomainError as exc:
        if exc.code == "bargain_not_found":
            raise Http404
        result = exc.message
    if is_htmx(request):
        bargain = selectors.bargain_detail(number=number)
        return TemplateResponse(request, "bargain/partials/bargain_card.html",
                                {**_bargain_context(request, bargain), "result": result, "result_ok": ok})
    (messages.success if ok else messages.error)(request, result)
    return HttpResponseRedirect(reverse("bargain:bargain", args=[number]))


@login_required
def buy(request, number: str):
    back = HttpResponseRedirect(reverse("bargain:bargain", args=[number]))
    if request.method != "POST":
        return back
    address = address_default(user=request.user)
    if address is None:
        return address_first(request, back_to=reverse("bargain:bargain", args=[number]))
    try:
        _bargain, _order, payment = services.bargain_buy(user=request.user, number=number, address_id=address.pk)
    except DomainError as exc:
        if exc.code == "bargain_not_found":
            raise Http404
        messages.error(request, exc.message)
        return back
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@login_required
def start(request, campaign_id: int):
    campaign = selectors.campaign_public(campaign_id=campaign_id)
    if campaign is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(reverse("bargain:product_bargain", args=[campaign.product_id]))
    try:
        bargain = services.bargain_start(user=request.user, campaign_id=campaign.pk)
    except DomainError as exc:
        mine = selectors.active_bargain_of(user=request.user, campaign=campaign)
        if mine is not None:  # already bargaining: carry on with that one
            return HttpResponseRedirect(reverse("bargain:bargain", args=[mine.number]))
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("storefront:product", args=[campaign.product_id]))
    messages.success(request, _("Bargain started: share it with friends so they can cut the price."))
    return HttpResponseRedirect(reverse("bargain:bargain", args=[bargain.number]))


def campaigns_page(request):
    """Every running bargain (the home page's 砍价 entry)."""
    return TemplateResponse(request, "bargain/campaigns.html", {"campaigns": selectors.running_campaigns()})


def product_bargain(request, product_id: int):
    """The product page's block on a page of its own (the block alone for an HTMX refresh)."""
    template = "bargain/partials/product_bargain.html" if is_htmx(request) else "bargain/product_bargain_page.html"
    return TemplateResponse(request, template, {"product": {"pk": product_id}})


@login_required
def my_bargains(request):
    items = selectors.bargains_for_user(user=request.user)
    return TemplateResponse(request, "bargain/my_bargains.html", {
        "items": [{"b": b, "seconds_left": selectors.seconds_left(bargain=b)} for b in items]})


# ---------------------------------------------------------------- merchant

CAMPAIGN_FIELDS = ("sku_id", "original_price", "floor_price", "expected_helps", "stock", "time_limit_hours",
                   "per_user_limit", "days", "title", "new_user_bonus", "activate")
# The services' field names → the form's, so each message shows under the input it is about.
CAMPAIGN_ERROR_FIELDS = {"product_id": "sku_id", "ends_at": "days", "starts_at": "days",
                         "time_limit_seconds": "time_limit_hours"}


def _parse_campaign(form) -> dict:
    sku_id = int_or_none(form.get("sku_id"))
    if sku_id is None:
        raise ValidationFailed(_("Choose a product and a SKU."), fields={"sku_id": _("Required.")})
    now = clock.now()
    days = parse_int(form.get("days"), "days", default=7, minimum=1)
    return {
        "sku_id": sku_id, "title": form.get("title", ""),
        "original_price": parse_yuan(form.get("original_price"), "original_price", required=False),
        "floor_price": parse_yuan(form.get("floor_price"), "floor_price"),
        "expected_helps": parse_int(form.get("expected_helps"), "expected_helps", default=5),
        "stock": parse_int(form.get("stock"), "stock", minimum=1),
        "time_limit_seconds": parse_int(form.get("time_limit_hours"), "time_limit_hours", default=24,
                                        minimum=1) * 3600,
        "per_user_limit": parse_int(form.get("per_user_limit"), "per_user_limit", default=1, minimum=1),
        "new_user_bonus": bool(form.get("new_user_bonus")),
        "starts_at": now, "ends_at": now + dt.timedelta(days=min(days, 90)),
    }


@merchant_required
def merchant_campaigns(request):
    shop = request.shop
    posted = request.method == "POST"
    form = {k: request.POST.get(k, "") for k in CAMPAIGN_FIELDS} if posted else {"new_user_bonus": "1",
                                                                                    "activate": "1"}
    context: dict = {"shop": shop, "console_tab": "bargain", "form": form, "skus": selectors.skus_for_shop(shop=shop)}
    if posted:
        try:
            campaign = services.campaign_create(shop=shop, **_parse_campaign(form))
            if form.get("activate"):
                services.campaign_activate(campaign_id=campaign.pk, shop=shop)
                messages.success(request, _("Bargain campaign started."))
            else:
                messages.success(request, _("Bargain campaign saved as a draft."))
            return HttpResponseRedirect(reverse("bargain:merchant_campaign", args=[campaign.pk]))
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc, CAMPAIGN_ERROR_FIELDS))
            context["campaigns"] = selectors.campaigns_for_shop(shop=shop)
            return TemplateResponse(request, "bargain/merchant_campaigns.html", context, status=400)
    context["campaigns"] = selectors.campaigns_for_shop(shop=shop)
    return TemplateResponse(request, "bargain/merchant_campaigns.html", context)


@merchant_required
def merchant_campaign(request, campaign_id: int):
    campaign = selectors.campaign_for_shop(shop=request.shop, campaign_id=campaign_id)
    if campaign is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "activate":
                services.campaign_activate(campaign_id=campaign.pk, shop=request.shop)
                messages.success(request, _("Bargain campaign started."))
            elif action == "end":
                services.campaign_end(campaign_id=campaign.pk, shop=request.shop)
                messages.success(request, _("Bargain campaign ended; the stock left went back to the product."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("bargain:merchant_campaign", args=[campaign.pk]))
    stats = selectors.campaign_stats(campaign=campaign)
    return TemplateResponse(request, "bargain/merchant_campaign.html", {
        "shop": request.shop, "console_tab": "bargain", "campaign": campaign, "stats": stats,
        "conversion_pct": stats["conversion_bps"] / 100,
        "bargains": selectors.bargains_for_campaign(campaign=campaign),
    })
