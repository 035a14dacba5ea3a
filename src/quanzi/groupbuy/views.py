"""Group-buy pages: the group page (/g/<number>/), opening and joining from the web, the product-page
block and the merchant's campaign pages (/merchant/groupbuy/)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.selectors import address_default
from quanzi.core import clock
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.groupbuy import selectors, services
from quanzi.payments.services import payment_pay_url
from quanzi.sharing import selectors as share_selectors
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for, parse_int, parse_yuan
from quanzi.web.helpers import address_first, is_htmx, login_required


def _int_or_none(text) -> int | None:
    try:
        return int(str(text))
    except (TypeError, ValueError):
        return None


def group_page(request, number: str):
    group = selectors.group_detail(number=number)
    if group is None:
        raise Http404
    members = selectors.visible_members(group=group)
    me = next((m for m in members if request.user.is_authenticated and m.user_id == request.user.pk), None)
    seconds_left = max(0, int((group.deadline - clock.now()).total_seconds()))
    campaign = group.campaign
    others = selectors.open_groups_for_product(product_id=campaign.product_id, exclude_user=request.user)
    share_url, poster_url = request.build_absolute_uri(reverse("groupbuy:group", args=[group.number])), ""
    if me is not None and group.status == "open":
        link = services.group_share_link(user=request.user, group=group)
        if link is not None:
            share_url, poster_url = share_selectors.absolute(path=share_selectors.short_path(link=link)), \
                share_selectors.poster_path(link=link)
    return TemplateResponse(request, "groupbuy/group.html", {
        "group": group, "members": members, "me": me, "seconds_left": seconds_left,
        "empty_spots": range(group.spots_left), "campaign": campaign, "skus": list(campaign.skus.select_related("sku")),
        "can_join": group.status == "open" and seconds_left > 0 and group.spots_left > 0 and me is None,
        "share_url": share_url, "poster_url": poster_url,
        "other_groups": [g for g in others if g.pk != group.pk][:3],
    })


def _pay_redirect(request, call, *, back_to: str):
    address = address_default(user=request.user)
    if address is None:
        return address_first(request, back_to=back_to)
    try:
        _group, _order, payment = call(address.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@login_required
def join(request, number: str):
    if request.method != "POST":  # back from the login page: show the group again
        return HttpResponseRedirect(reverse("groupbuy:group", args=[number]))
    sku_id = _int_or_none(request.POST.get("sku"))
    response = _pay_redirect(request, lambda address_id: services.group_join(
        user=request.user, number=number, sku_id=sku_id, address_id=address_id,
        quantity=_int_or_none(request.POST.get("quantity")) or 1),
        back_to=reverse("groupbuy:group", args=[number]))
    return response or HttpResponseRedirect(reverse("groupbuy:group", args=[number]))


@login_required
def open_group(request, campaign_id: int):
    if request.method != "POST":
        product_id = selectors.product_id_for_campaign(campaign_id=campaign_id)
        return HttpResponseRedirect(reverse("groupbuy:product_groups", args=[product_id]) if product_id else "/")
    sku_id = _int_or_none(request.POST.get("sku"))
    product_id = selectors.product_id_for_campaign(campaign_id=campaign_id)
    product_page = reverse("storefront:product", args=[product_id]) if product_id else "/"
    response = _pay_redirect(request, lambda address_id: services.group_open(
        user=request.user, campaign_id=campaign_id, sku_id=sku_id, address_id=address_id,
        quantity=_int_or_none(request.POST.get("quantity")) or 1), back_to=product_page)
    return response or HttpResponseRedirect(product_page)


def campaigns_page(request):
    """Every running group buy (the home page's 拼团 entry)."""
    return TemplateResponse(request, "groupbuy/campaigns.html", {"campaigns": selectors.running_campaigns()})


def product_groups(request, product_id: int):
    """The product page's block on a page of its own (the block alone for an HTMX refresh)."""
    template = "groupbuy/partials/product_groups.html" if is_htmx(request) else "groupbuy/product_groups_page.html"
    return TemplateResponse(request, template, {"product": {"pk": product_id}})


# ---------------------------------------------------------------- merchant

CAMPAIGN_FIELDS = ("product_id", "sku_id", "group_price", "stock", "group_size", "fill_hours", "per_user_limit",
                   "leader_discount", "days", "title")
# The services' field names → the form's, so each message shows under the input it is about.
CAMPAIGN_ERROR_FIELDS = {"product_id": "sku_id", "skus": "sku_id", "skus.0.sku_id": "sku_id",
                         "skus.0.group_price": "group_price", "fill_seconds": "fill_hours", "ends_at": "days",
                         "starts_at": "days"}


def _parse_campaign(shop, form) -> dict:
    product_id = _int_or_none(form.get("product_id"))
    sku_id = _int_or_none(form.get("sku_id"))
    if product_id is None or sku_id is None:
        raise ValidationFailed(_("Choose a product and a SKU."), fields={"sku_id": _("Required.")})
    now = clock.now()
    days = parse_int(form.get("days"), "days", default=7, minimum=1)
    return {
        "product_id": product_id, "title": form.get("title", ""),
        "skus": [{"sku_id": sku_id, "group_price": parse_yuan(form.get("group_price"), "group_price"),
                  "stock": parse_int(form.get("stock"), "stock", minimum=1)}],
        "group_size": parse_int(form.get("group_size"), "group_size", default=2, minimum=0),
        "fill_seconds": parse_int(form.get("fill_hours"), "fill_hours", default=24, minimum=1) * 3600,
        "per_user_limit": parse_int(form.get("per_user_limit"), "per_user_limit", default=1, minimum=1),
        "leader_discount": parse_yuan(form.get("leader_discount"), "leader_discount", required=False) or 0,
        "starts_at": now, "ends_at": now + dt.timedelta(days=min(days, 90)),
    }


@merchant_required
def merchant_campaigns(request):
    shop = request.shop
    form = {k: request.POST.get(k, "") for k in CAMPAIGN_FIELDS} if request.method == "POST" else {}
    context: dict = {"shop": shop, "console_tab": "groupbuy", "form": form,
                     "skus": selectors.skus_for_shop(shop=shop)}
    if request.method == "POST":
        try:
            campaign = services.campaign_create(shop=shop, **_parse_campaign(shop, form))
            services.campaign_activate(campaign_id=campaign.pk, shop=shop)
            messages.success(request, _("Group buy started."))
            return HttpResponseRedirect(reverse("groupbuy:merchant_campaign", args=[campaign.pk]))
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc, CAMPAIGN_ERROR_FIELDS))
            context["campaigns"] = selectors.campaigns_for_shop(shop=shop)
            return TemplateResponse(request, "groupbuy/merchant_campaigns.html", context, status=400)
    context["campaigns"] = selectors.campaigns_for_shop(shop=shop)
    return TemplateResponse(request, "groupbuy/merchant_campaigns.html", context)


@merchant_required
def merchant_campaign(request, campaign_id: int):
    campaign = selectors.campaign_for_shop(shop=request.shop, campaign_id=campaign_id)
    if campaign is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "end":
        try:
            services.campaign_end(campaign_id=campaign.pk, shop=request.shop)
            messages.success(request, _("Group buy ended; the stock left went back to the product."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("groupbuy:merchant_campaign", args=[campaign.pk]))
    stats = selectors.campaign_stats(campaign=campaign)
    return TemplateResponse(request, "groupbuy/merchant_campaign.html", {
        "shop": request.shop, "console_tab": "groupbuy", "campaign": campaign, "stats": stats,
        "success_pct": stats["success_rate_bps"] / 100,
        "avg_fill_minutes": (stats["avg_fill_seconds"] or 0) // 60 if stats["avg_fill_seconds"] is not None else None,
        "groups": selectors.groups_for_campaign(campaign=campaign), "now": timezone.now(),
    })
