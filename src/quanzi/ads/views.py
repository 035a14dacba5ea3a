"""Pages of sponsored listings: the click redirect of a sponsored result, the operator's review queue, and
the merchant console's campaigns (list, create, top up; one campaign's report, status and bids). Thin: parse, call a service or
selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.ads import selectors, services
from quanzi.ads.constants import ClickReason, MatchType, Placement
from quanzi.catalog.selectors import products_by_ids, shop_products_for_console
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.core.http import client_fingerprint
from quanzi.payments.services import payment_pay_url
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for, parse_int, parse_yuan

MAX_FORM_KEYWORDS = 50


def click(request, token: str):
    """A shopper followed a sponsored result: the click is recorded (billed or not) and they go to the
    product. A forged link goes to the home page and bills nothing."""
    fp = client_fingerprint(request)
    user = request.user if request.user.is_authenticated else None
    try:
        c = services.click_record(token=token, user=user, device=fp["device"], ip=fp["ip"],
                                  user_agent=request.META.get("HTTP_USER_AGENT", ""))
    except DomainError:
        return HttpResponseRedirect("/")
    return HttpResponseRedirect(reverse("storefront:product", args=[c.ad.product_id]))


def feed_block(request):
    """The home page's sponsored section (placement `feed`), fetched by the page after it loaded (HTMX), so
    ads never add a query or a millisecond to the home page itself. Shown ads are recorded as impressions."""
    user = request.user if request.user.is_authenticated else None
    ads = selectors.sponsored_for_feed(limit=2, viewer=user, device=client_fingerprint(request)["device"])
    return TemplateResponse(request, "ads/partials/home_sponsored.html", {"sponsored": ads})


# ---------------------------------------------------------------- operator: policy review

@login_required
def ops_review(request):
    """The operator's review queue (/ops/ads/, staff only; anyone else gets a 404): campaigns waiting for a
    decision, oldest first, with what they would show — products, keywords, placements and bids."""
    if not request.user.is_staff:
        raise Http404
    if request.method == "POST":
        number = str(request.POST.get("number", ""))[:16]
        decision = str(request.POST.get("decision", ""))[:10]
        try:
            services.campaign_review(reviewer=request.user, number=number, decision=decision,
                                     note=str(request.POST.get("note", ""))[:400])
            messages.success(request, _("Approved: it can be shown from now on.") if decision == "approved"
                             else _("Not approved: the merchant sees your note."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("ads:ops_review"))
    return TemplateResponse(request, "ads/ops_review.html", {"queue": selectors.campaigns_in_review(),
                                                             "placement_labels": dict(Placement.choices)})


# ---------------------------------------------------------------- merchant console

CAMPAIGN_FIELDS = ("name", "daily_budget", "total_budget", "keywords", "match_type", "max_cpc", "feed_cpc",
                   "category_cpc", "activate")
ERROR_FIELDS = {"product_ids": "products", "keyword": "keywords", "match_type": "match_type", "max_cpc": "max_cpc",
                "placement": "feed_cpc", "category_id": "category_cpc"}


def _parse_campaign(post) -> dict:
    keywords = [k.strip() for k in post.get("keywords", "").replace("，", ",").replace("\n", ",").split(",") if k.strip()]
    if len(keywords) > MAX_FORM_KEYWORDS:
        raise ValidationFailed(_("A campaign has at most %(n)d keywords.") % {"n": MAX_FORM_KEYWORDS},
                               code="too_many_keywords", fields={"keywords": f"max {MAX_FORM_KEYWORDS}"})
    match_type = post.get("match_type") if post.get("match_type") in MatchType.values else MatchType.BROAD
    max_cpc = parse_yuan(post.get("max_cpc"), "max_cpc")
    feed_cpc = parse_yuan(post.get("feed_cpc"), "feed_cpc", required=False)
    category_cpc = parse_yuan(post.get("category_cpc"), "category_cpc", required=False)
    product_ids = [parse_int(v, "products", minimum=1) for v in post.getlist("products")[:50]]
    placements = [{"placement": "feed", "max_cpc": feed_cpc}] if feed_cpc else []
    if category_cpc:  # the category page of each promoted product's category
        categories = sorted({p.category_id for p in products_by_ids(product_ids=product_ids).values()})
        placements += [{"placement": "category", "category_id": c, "max_cpc": category_cpc} for c in categories]
    return {"name": post.get("name", ""), "daily_budget": parse_yuan(post.get("daily_budget"), "daily_budget"),
            "total_budget": parse_yuan(post.get("total_budget"), "total_budget"), "product_ids": product_ids,
            "keywords": [{"keyword": k, "match_type": match_type, "max_cpc": max_cpc} for k in keywords],
            "placements": placements}


@merchant_required
def merchant_campaigns(request):
    shop = request.shop
    posted = request.method == "POST"
    form = {k: request.POST.get(k, "") for k in CAMPAIGN_FIELDS} if posted else {"match_type": "broad", "activate": "1"}
    chosen = set(request.POST.getlist("products")) if posted else set()
    context = {"shop": shop, "console_tab": "ads", "form": form, "chosen": chosen,
               "products": shop_products_for_console(shop_id=shop.pk, status="on_shelf"),
               "match_types": MatchType.choices}
    if posted:
        try:
            campaign = services.campaign_create(user=request.user, **_parse_campaign(request.POST))
            if form.get("activate"):
                try:
                    services.campaign_set_status(user=request.user, number=campaign.number, status="active")
                    messages.success(request, _("Campaign started."))
                except DomainError as exc:
                    messages.warning(request, _("Saved as a draft: %(why)s") % {"why": exc.message})
            else:
                messages.success(request, _("Campaign saved as a draft."))
            return HttpResponseRedirect(reverse("ads:merchant_campaign", args=[campaign.number]))
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc, ERROR_FIELDS))
            context.update(campaigns=selectors.shop_campaigns(shop=shop), account=selectors.shop_ads_account(shop=shop))
            return TemplateResponse(request, "ads/merchant_campaigns.html", context, status=400)
    context.update(campaigns=selectors.shop_campaigns(shop=shop), account=selectors.shop_ads_account(shop=shop))
    return TemplateResponse(request, "ads/merchant_campaigns.html", context)


@merchant_required
@require_POST
def merchant_topup(request):
    try:
        amount = parse_yuan(request.POST.get("amount"), "amount")
        _topup, payment = services.topup_start(user=request.user, amount=amount)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("ads:merchant_campaigns"))
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@merchant_required
def merchant_campaign(request, number: str):
    try:
        campaign = services.campaign_for_shop(shop=request.shop, number=number)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("active", "paused", "ended"):
                services.campaign_set_status(user=request.user, number=number, status=action)
                messages.success(request, _("Campaign updated."))
            elif action == "resubmit":
                services.campaign_resubmit(user=request.user, number=number)
                messages.success(request, _("Sent for review."))
            elif action == "bid":
                services.bid_set(user=request.user, number=number,
                                 target_id=parse_int(request.POST.get("target_id"), "target_id", minimum=1),
                                 max_cpc=parse_yuan(request.POST.get("max_cpc"), "max_cpc"))
                messages.success(request, _("Bid saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("ads:merchant_campaign", args=[number]))
    report = selectors.campaign_report(campaign=campaign)
    labels = dict(ClickReason.choices)
    report["invalid_clicks"] = {labels.get(reason, reason): n for reason, n in report["invalid_clicks"].items()}
    return TemplateResponse(request, "ads/merchant_campaign.html", {
        "shop": request.shop, "console_tab": "ads", "campaign": campaign, "report": report,
        "targets": selectors.campaign_targets(campaign=campaign),
        "ads": selectors.campaign_products(campaign=campaign),
        "balance": services.shop_balance(shop_id=request.shop.pk)})
