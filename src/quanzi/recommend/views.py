"""Recommendation pages: the rails (fetched by HTMX after the page they sit on, so they cost that page
nothing), the person's settings (/me/recommendations/: personalisation on or off, inferred interests, the
interests they picked) and the operator's A/B report (/ops/recommend/)."""

from __future__ import annotations

from django.contrib import messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError
from quanzi.recommend import selectors, services
from quanzi.recommend.models import Arm
from quanzi.web.helpers import login_required, next_url, redirect

ARM_PARAM = "rec"  # a pick's link carries its A/B arm: /p/12/?rec=p


def for_you(request):
    """猜你喜欢 (HTMX). Shown to someone in the A/B experiment, it counts as an impression of their arm, and
    its links carry the arm so a click and a later order are credited to it. A new person with nothing to
    learn from is asked for their interests above the (trending) picks."""
    personalised, _hidden = selectors.preference(user=request.user)
    arm = selectors.arm_of(user=request.user) if personalised else None
    picks = selectors.for_user(user=request.user, limit=12)
    if picks:
        services.record_impression(arm=arm)
    ask = request.user.is_authenticated and selectors.needs_interests(user=request.user)
    return TemplateResponse(request, "recommend/partials/for_you.html", {
        "picks": picks, "link_query": f"{ARM_PARAM}={arm}" if arm else "",
        "ask_interests": ask, "categories": _categories() if ask else []})


def feed_cards(request):
    """Two of the person's picks as cards at the head of the discovery feed (HTMX; personalised people
    only, and not the A/B holdout; the A/B counts only the home rail, so these links carry no arm)."""
    personalised, _hidden = selectors.preference(user=request.user)
    arm = selectors.arm_of(user=request.user) if personalised else None
    picks = selectors.for_user(user=request.user, limit=2) if arm == Arm.PERSONALISED else []
    return TemplateResponse(request, "recommend/partials/feed_cards.html", {"picks": picks})


def _categories():
    from quanzi.catalog.selectors import category_list

    return category_list(top_level_only=True)


def also_viewed(request, product_id: int):
    """The product page's rails (HTMX): 看了又看, and 买了还买 when its buyers bought other things too."""
    return TemplateResponse(request, "recommend/partials/also_viewed.html", {
        "picks": selectors.also_viewed(product_id=product_id, limit=8),
        "bought": selectors.bought_together(product_ids=[product_id], limit=8)})


@login_required
def after_order(request, number: str):
    """The order page's 买了还买 (HTMX): what buyers of this order's products bought too."""
    from django.http import Http404

    from quanzi.orders.selectors import order_for_user

    order = order_for_user(user=request.user, number=str(number)[:40])
    if order is None:
        raise Http404
    bought = selectors.bought_together(product_ids=[line.product_id for line in order.lines.all()], limit=8)
    return TemplateResponse(request, "recommend/partials/after_order.html", {"picks": bought})


def product_visited(request, product_id: int) -> None:
    """The product page visit hook: a signed-in person's visit marks their stored 猜你喜欢 due for a refresh,
    and a visit from a pick's link (`?rec=<arm>`) is a click of that arm."""
    if not request.user.is_authenticated:
        return
    services.picks_mark_due(user_id=request.user.pk)
    arm = str(request.GET.get(ARM_PARAM, ""))[:2]
    if arm in Arm.values:
        services.record_click(user_id=request.user.pk, product_id=product_id, arm=arm)


@login_required
def interests(request):
    """POST the interests a new person picked (from the home page's prompt or the settings page)."""
    if request.method != "POST":
        return redirect(request, reverse("recommend:settings"))
    try:
        services.set_interests(user=request.user, category_ids=[str(c)[:20] for c in request.POST.getlist("category")[:50]])
        messages.success(request, _("Thanks — your recommendations start from what you picked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(request, next_url(request, reverse("recommend:settings")))


@login_required
def settings_page(request):
    if request.method == "POST":
        action = str(request.POST.get("action", ""))[:20]
        try:
            category = int(str(request.POST.get("category", "0"))[:20] or 0) or None
        except ValueError:
            category = None
        try:
            if action in {"on", "off"}:
                services.preference_set(user=request.user, personalised=action == "on")
                messages.success(request, _("Personalised recommendations are on.") if action == "on"
                                 else _("Personalised recommendations are off: you see what is popular with everyone."))
            elif action == "hide":
                services.preference_set(user=request.user, hide_category=category)
            elif action == "show":
                services.preference_set(user=request.user, show_category=category)
            elif action in {"region_on", "region_off"}:
                services.preference_set(user=request.user, use_region=action == "region_on")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request, reverse("recommend:settings"))
    personalised, _hidden = selectors.preference(user=request.user)
    return TemplateResponse(request, "recommend/settings.html", {
        "personalised": personalised, "interests": selectors.interests(user=request.user),
        "categories": _categories(), "liked": set(selectors.liked_categories(user=request.user)),
        **selectors.region_of(user=request.user)})


def ab_report(request):
    """/ops/recommend/: the A/B switch's arms over the last 14 days (staff only)."""
    if not (request.user.is_authenticated and request.user.is_staff):
        from django.http import Http404

        raise Http404
    from django.conf import settings

    return TemplateResponse(request, "recommend/ab_report.html", {
        "arms": selectors.arm_report(days=14), "holdout": settings.QUANZI.get("RECOMMEND_HOLDOUT_PERCENT", 10)})
