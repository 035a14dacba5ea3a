"""Circle pages: friends' purchases (/circle/) and the sharing switch (/me/circle/settings/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.circle import selectors, services
from quanzi.core.errors import DomainError, NotFound
from quanzi.web.helpers import login_required, redirect, safe_url


@login_required
def friends(request):
    try:
        items, next_cursor = selectors.friends_purchases(viewer=request.user, cursor=request.GET.get("cursor"), limit=20)
    except DomainError:
        items, next_cursor = [], None
    return TemplateResponse(request, "circle/friends.html", {
        "items": items, "next_cursor": next_cursor,
        "sharing": selectors.settings_for(user=request.user).share_purchases,
    })


@login_required
def settings_page(request):
    if request.method == "POST":
        services.settings_update(user=request.user, share_purchases=request.POST.get("share_purchases") == "on")
        messages.success(request, _("Your circle settings are saved."))
        return redirect(request, reverse("circle:settings"))
    return TemplateResponse(request, "circle/settings.html",
                            {"settings": selectors.settings_for(user=request.user)})


@login_required
@require_POST
def order_visibility(request, number: str):
    """The order page's "hide from my circle" toggle (own orders only; others → 404)."""
    hidden = request.POST.get("hidden", "1") == "1"
    try:
        services.circle_hide_order(user=request.user, order_number=number, hidden=hidden)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Hidden from your friends' circle.") if hidden else _("Shown in your friends' circle again."))
    return redirect(request, safe_url(request, request.POST.get("next"), reverse("circle:friends")))
