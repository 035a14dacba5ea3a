"""Recommendation pages: the rails (fetched by HTMX after the page they sit on, so they cost that page
nothing) and the person's settings (/me/recommendations/: personalisation on or off, inferred interests)."""

from __future__ import annotations

from django.contrib import messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError
from quanzi.recommend import selectors, services
from quanzi.web.helpers import login_required, redirect


def for_you(request):
    picks = selectors.for_user(user=request.user, limit=12)
    return TemplateResponse(request, "recommend/partials/for_you.html", {"picks": picks})


def also_viewed(request, product_id: int):
    return TemplateResponse(request, "recommend/partials/also_viewed.html",
                            {"picks": selectors.also_viewed(product_id=product_id, limit=8)})


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
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request, reverse("recommend:settings"))
    personalised, _hidden = selectors.preference(user=request.user)
    return TemplateResponse(request, "recommend/settings.html", {
        "personalised": personalised, "interests": selectors.interests(user=request.user)})
