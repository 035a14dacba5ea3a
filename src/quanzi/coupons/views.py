"""Pages of coupons: the coupon centre (claim, redeem a code), the shopper's coupons, the merchant console's
coupons (list with what they brought, pause/resume/end, create) and the operator's platform coupons.
Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from quanzi.catalog.selectors import category_list, shop_products_for_console
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.core.money import format_yuan
from quanzi.coupons import rules, selectors, services
from quanzi.coupons.constants import (
    MAX_PER_USER,
    MAX_PERCENT_OFF,
    Channel,
    CouponStatus,
    Issuer,
    Kind,
    Scope,
    TemplateStatus,
)
from quanzi.orders.selectors import orders_by_id
from quanzi.shops.access import merchant_required
from quanzi.web.forms import parse_int, parse_yuan
from quanzi.web.helpers import error_context, login_required, next_url, redirect, staff_required

ISSUER_TABS = ("", Issuer.PLATFORM, Issuer.SHOP)
MINE_TABS = ("available", "used", "expired", "shared")
HOW = ("centre", "shop", "product")  # where a claim button sits: kept on the coupon (`Coupon.how`)


# ---------------------------------------------------------------- what a coupon says (shared with slots.py)

def headline(template) -> str:
    return rules.describe(kind=template.kind, amount_off=template.amount_off, percent_off=template.percent_off,
                          max_discount=template.max_discount, min_spend=template.min_spend)


def face(template) -> dict:
    """The ticket's big left part: "¥10" / "15%" / "包邮", and the condition under it."""
    if template.kind == Kind.FIXED:
        amount = format_yuan(template.amount_off)
        value, unit = ("¥", amount[:-3] if amount.endswith(".00") else amount)
    elif template.kind == Kind.PERCENT:
        value, unit = ("", _("%(p)d%% off") % {"p": template.percent_off})
    else:
        value, unit = ("", _("Free shipping"))
    condition = (_("Over ¥%(m)s") % {"m": format_yuan(template.min_spend)} if template.min_spend
                 else _("No minimum"))
    return {"currency": value, "value": unit, "condition": condition}


def scope_words(template) -> str:
    if template.scope == Scope.ALL:
        return _("Everything in the shop") if template.issuer == Issuer.SHOP else _("Everything on Quanzi")
    n = len(template.scope_ids or ())
    if template.scope == Scope.SHOPS:
        return _("Goods of %(n)d chosen shops") % {"n": n} if n != 1 else _("Goods of one chosen shop")
    if template.scope == Scope.CATEGORIES:
        return _("Goods of chosen categories")
    return _("%(n)d chosen products") % {"n": n} if n != 1 else _("One chosen product")


def tickets(templates, claimed: dict[int, int]) -> list[dict]:
    """Claimable templates as tickets: what they give, where, until when, how many are gone, and whether this
    shopper has claimed as many as allowed. No query: the templates carry their shop (select_related)."""
    out = []
    for t in templates:
        held = claimed.get(t.pk, 0)
        percent = t.issued_count * 100 // t.total_count if t.total_count else 100
        out.append({"t": t, "headline": headline(t), "face": face(t), "scope": scope_words(t),
                    "held": held, "done": held >= t.per_user_limit, "sold_out": t.left <= 0, "percent": percent,
                    "percent_text": _("%(p)d%% claimed") % {"p": percent}})
    return out


# ---------------------------------------------------------------- shopper

def centre(request):
    """The coupon centre: every public coupon that can be claimed now, platform or shop, as tickets."""
    issuer = request.GET.get("issuer", "")
    issuer = issuer if issuer in ISSUER_TABS else ""
    templates = selectors.claimable_templates(issuer=issuer or None)
    claimed = selectors.claimed_counts(user=request.user, template_ids=[t.pk for t in templates])
    base = reverse("coupons:centre")
    tabs = [{"url": base, "label": _("All"), "active": issuer == "", "testid": "cp-tab-all"},
            {"url": f"{base}?issuer=platform", "label": _("Platform coupons"), "active": issuer == Issuer.PLATFORM,
             "testid": "cp-tab-platform"},
            {"url": f"{base}?issuer=shop", "label": _("Shop coupons"), "active": issuer == Issuer.SHOP,
             "testid": "cp-tab-shop"}]
    return TemplateResponse(request, "coupons/centre.html", {
        "tickets": tickets(templates, claimed), "issuer": issuer, "tabs": tabs, "here": request.get_full_path()})


def _to_login(request, default: str):
    """A claim or a code from someone not logged in: the login, then back to the page they were on."""
    return redirect_to_login(next_url(request, default))


@require_POST
def claim(request, template_id: int):
    back = next_url(request, reverse("coupons:centre"))
    if not request.user.is_authenticated:
        return _to_login(request, back)
    how = request.POST.get("how", "centre")
    try:
        coupon = services.coupon_claim(user=request.user, template_id=template_id,
                                       how=how if how in HOW else "centre")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Claimed: %(name)s. It is in My coupons.") % {"name": coupon.template.name})
    return redirect(request, back)


@require_POST
def redeem(request):
    back = next_url(request, reverse("coupons:centre"))
    if not request.user.is_authenticated:
        return _to_login(request, back)
    try:
        coupon = services.coupon_redeem(user=request.user, code=str(request.POST.get("code", ""))[:64])
    except DomainError as exc:  # unknown code, ended, limit, RateLimited after too many tries
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Code accepted: %(name)s is in My coupons.") % {"name": coupon.template.name})
    return redirect(request, back)


@login_required
def mine(request):
    """The shopper's coupons: available (and not started yet), used (and held by an unpaid order), expired."""
    tab = request.GET.get("tab", "available")
    tab = tab if tab in MINE_TABS else "available"
    coupons = [] if tab == "shared" else selectors.my_coupons(user=request.user, tab=tab)
    held_orders = [c.order_id for c in coupons if c.status == CouponStatus.HELD and c.order_id]
    orders = orders_by_id(order_ids=held_orders) if held_orders else {}  # one query for the page
    home, now = reverse("storefront:home"), timezone.now()
    rows = []
    for c in coupons:
        t = c.template
        order = orders.get(c.order_id) if c.status == CouponStatus.HELD else None
        rows.append({"c": c, "t": t, "headline": headline(t), "face": face(t), "scope": scope_words(t),
                     "order": order, "not_started": c.valid_from > now,
                     "use_url": reverse("storefront:shop", args=[t.shop_id]) if t.issuer == Issuer.SHOP else home})
    base = reverse("coupons:mine")
    labels = {"available": pgettext("coupon status", "Available"), "used": _("Used"), "expired": _("Expired"), "shared": _("Shared")}
    tabs = [{"url": f"{base}?tab={k}", "label": labels[k], "active": k == tab, "testid": f"cp-mine-tab-{k}"}
            for k in MINE_TABS]
    shares = selectors.shares_of_user(user=request.user) if tab == "shared" else []
    return TemplateResponse(request, "coupons/mine.html", {"rows": rows, "tab": tab, "tabs": tabs, "shares": shares})


# ---------------------------------------------------------------- the create form (merchant and operator)

FORM_FIELDS = ("name", "kind", "amount_off", "percent_off", "max_discount", "min_spend", "scope", "channel", "code",
               "starts_at", "ends_at", "valid_days", "total_count", "per_user_limit", "budget_amount",
               "new_users_only", "stacking_group", "shop_ids", "share_reward_id")


def _date(text: str, field: str, *, end: bool) -> dt.datetime | None:
    """A date input ("2026-12-31") → the start (00:00) or the end (23:59:59) of that day, Beijing time."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("Enter a date like 2026-12-31."), code="invalid_date",
                               fields={field: _("Enter a date like 2026-12-31.")}) from None
    moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time.min)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _yuan_or_zero(text, field: str) -> int:
    """An optional amount in yuan: empty or zero is 0 (no minimum, no cap, no budget)."""
    cleaned = str(text or "").strip().lstrip("¥￥").strip()
    if not cleaned or re.fullmatch(r"0+(\.0*)?", cleaned):
        return 0
    return parse_yuan(cleaned, field)


def _ids(values, field: str) -> list[int]:
    out = []
    for value in values:
        for part in str(value).replace("，", ",").replace(" ", ",").split(","):
            if part.strip():
                out.append(parse_int(part, field, minimum=1, maximum=2**62))
    return out


def _parse(request, *, issuer: str) -> dict:
    """The form's text → the service's terms (fen, ints, aware datetimes). Errors are ValidationFailed with the
    form's field names, shown like the service's own."""
    post = request.POST
    kind = post.get("kind", "")
    scope = post.get("scope", Scope.ALL)
    data: dict = {"name": post.get("name", ""), "kind": kind, "scope": scope, "channel": post.get("channel", ""),
                  "code": post.get("code", ""), "new_users_only": post.get("new_users_only") == "on",
                  "stacking_group": post.get("stacking_group", "").strip() or None}
    if kind == Kind.FIXED:
        data["amount_off"] = parse_yuan(post.get("amount_off"), "amount_off")
    elif kind == Kind.PERCENT:
        data["percent_off"] = parse_int(post.get("percent_off"), "percent_off", minimum=1, maximum=MAX_PERCENT_OFF)
        data["max_discount"] = _yuan_or_zero(post.get("max_discount"), "max_discount")
    data["min_spend"] = _yuan_or_zero(post.get("min_spend"), "min_spend")
    if scope == Scope.PRODUCTS:
        data["scope_ids"] = _ids(post.getlist("product_ids"), "scope_ids")
    elif scope == Scope.CATEGORIES:
        data["scope_ids"] = _ids(post.getlist("category_ids"), "scope_ids")
    elif scope == Scope.SHOPS and issuer == Issuer.PLATFORM:
        data["scope_ids"] = _ids([post.get("shop_ids", "")], "scope_ids")
    data["starts_at"] = _date(post.get("starts_at"), "starts_at", end=False)
    ends = _date(post.get("ends_at"), "ends_at", end=True)
    if ends is None:
        raise ValidationFailed(_("Choose the last day it can be claimed."), code="invalid_date",
                               fields={"ends_at": _("Required.")})
    data["ends_at"] = ends
    data["valid_days"] = parse_int(post.get("valid_days"), "valid_days", default=0, maximum=365) or None
    data["total_count"] = parse_int(post.get("total_count"), "total_count", minimum=1, maximum=10**9)
    data["per_user_limit"] = parse_int(post.get("per_user_limit"), "per_user_limit", default=1, minimum=1,
                                       maximum=MAX_PER_USER)
    data["budget_amount"] = _yuan_or_zero(post.get("budget_amount"), "budget_amount") or None
    data["share_reward_id"] = parse_int(post.get("share_reward_id"), "share_reward_id", default=0,
                                        maximum=2**62) or None
    return data


def _form_page(request, *, issuer: str, shop, template: str, extra: dict, done_url: str):
    """GET: the empty form; POST: create, or show the form again with the error and what was typed."""
    today = timezone.localdate()
    form = {"kind": Kind.FIXED, "scope": Scope.ALL, "channel": Channel.PUBLIC, "per_user_limit": "1",
            "total_count": "100", "starts_at": today.isoformat(), "ends_at": (today + dt.timedelta(days=30)).isoformat()}
    channels = [Channel.PUBLIC, Channel.CODE] + ([Channel.NEW_USER] if issuer == Issuer.PLATFORM else []) + [
        Channel.REWARD]
    scopes = ([Scope.ALL, Scope.PRODUCTS, Scope.CATEGORIES] if issuer == Issuer.SHOP
              else [Scope.ALL, Scope.SHOPS, Scope.CATEGORIES])
    context = {"form": form, "issuer": issuer, "kinds": Kind.choices, "max_per_user": MAX_PER_USER,
               "channels": [(c.value, c.label) for c in channels], "scopes": [(s.value, s.label) for s in scopes],
               "categories": category_list(top_level_only=False), "picked": {"product_ids": [], "category_ids": []},
               "max_percent": MAX_PERCENT_OFF, "rewards": selectors.reward_templates(issuer=issuer, shop=shop),
               **extra}
    if request.method == "POST":
        form.update({k: request.POST.get(k, "") for k in FORM_FIELDS})
        context["picked"] = {k: request.POST.getlist(k) for k in ("product_ids", "category_ids")}
        try:
            created = services.template_create(issuer=issuer, shop=shop, actor=request.user,
                                               data=_parse(request, issuer=issuer))
        except DomainError as exc:
            context.update(error_context(exc))
            if "scope_ids" in context["field_errors"]:  # the service names the ids; the form shows them by scope
                context["field_errors"]["scope"] = context["field_errors"]["scope_ids"]
            return TemplateResponse(request, template, context, status=exc.status)
        messages.success(request, _("Coupon “%(name)s” created.") % {"name": created.name})
        return redirect(request, done_url)
    return TemplateResponse(request, template, context)


def _rows(templates) -> list[dict]:
    """Templates with what they brought (issued, used, held, cost, GMV, use rate) and the status changes open."""
    rows = []
    for t, stats in selectors.templates_with_stats(list(templates)):
        bps = stats["use_rate_bps"]
        actions = []
        if t.status == TemplateStatus.LIVE:
            actions.append(("paused", _("Pause")))
        if t.status == TemplateStatus.PAUSED:
            actions.append(("live", _("Resume")))
        if t.status != TemplateStatus.ENDED:
            actions.append(("ended", _("End")))
        rows.append({"t": t, "headline": headline(t), "stats": stats, "use_rate": f"{bps // 100}.{bps % 100 // 10}%",
                     "scope": scope_words(t), "actions": actions,
                     "tone": {"live": "ok", "paused": "warn"}.get(t.status, "muted")})
    return rows


def _set_status(request, *, template_id: int, shop, back: str):
    try:
        t = services.template_set_status(template_id=template_id, status=request.POST.get("status", ""), shop=shop)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(name)s” is now %(status)s.") % {"name": t.name,
                                                                         "status": t.get_status_display()})
    return redirect(request, back)


# ---------------------------------------------------------------- merchant console

@merchant_required
def merchant(request):
    return TemplateResponse(request, "coupons/merchant.html", {
        "shop": request.shop, "console_tab": "coupons", "rows": _rows(selectors.templates_of_shop(shop=request.shop))})


@merchant_required
def merchant_new(request):
    shop = request.shop
    return _form_page(request, issuer=Issuer.SHOP, shop=shop, template="coupons/merchant_new.html",
                      extra={"shop": shop, "console_tab": "coupons",
                             "products": shop_products_for_console(shop_id=shop.pk)},
                      done_url=reverse("coupons:merchant"))


@merchant_required
@require_POST
def merchant_status(request, template_id: int):
    if selectors.template_of_shop(shop=request.shop, template_id=template_id) is None:
        raise Http404  # another shop's coupon, or none
    return _set_status(request, template_id=template_id, shop=request.shop, back=reverse("coupons:merchant"))


# ---------------------------------------------------------------- operator

@staff_required
def ops(request):
    return TemplateResponse(request, "coupons/ops.html", {"rows": _rows(selectors.platform_templates())})


@staff_required
def ops_new(request):
    return _form_page(request, issuer=Issuer.PLATFORM, shop=None, template="coupons/ops_new.html", extra={},
                      done_url=reverse("coupons:ops"))


@staff_required  # before the method check: to anyone else the address does not exist
def ops_status(request, template_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _set_status(request, template_id=template_id, shop=None, back=reverse("coupons:ops"))


# ---------------------------------------------------------------- share-a-coupon

@require_POST
def share(request, template_id: int):
    """“Share”: the shopper's link to this coupon (the same one each time), shown with its copy buttons."""
    if not request.user.is_authenticated:
        return _to_login(request, next_url(request, reverse("coupons:centre")))
    try:
        link = services.share_link(user=request.user, template_id=template_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request, next_url(request, reverse("coupons:centre")))
    return HttpResponseRedirect(reverse("coupons:shared", args=[link.code]))


def shared(request, code: str):
    """A shared coupon: the sharer sees the link to send and what it brought; a friend sees the coupon, who
    sent it, and a button to claim it."""
    link = selectors.share_by_code(code=code)
    if link is None:
        raise Http404
    t = link.template
    claimed = selectors.claimed_counts(user=request.user, template_ids=[t.pk])
    is_sharer = request.user.is_authenticated and request.user.pk == link.sharer_id
    share_url = request.build_absolute_uri(reverse("coupons:shared", args=[link.code]))
    stats = selectors.shares_of_user(user=request.user) if is_sharer else []
    return TemplateResponse(request, "coupons/shared.html", {
        "link": link, "tk": tickets([t], claimed)[0], "is_sharer": is_sharer, "share_url": share_url,
        "stats": next((s for s in stats if s.pk == link.pk), None)})


@require_POST
def shared_claim(request, code: str):
    back = reverse("coupons:shared", args=[str(code)[:12]])
    if not request.user.is_authenticated:
        return _to_login(request, back)
    try:
        coupon = services.coupon_claim_shared(user=request.user, code=code)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request, back)
    messages.success(request, _("Claimed: %(name)s. It is in My coupons.") % {"name": coupon.template.name})
    return HttpResponseRedirect(reverse("coupons:mine"))
