"""Notification pages: the list (/notifications/), open-one (marks read, goes to the target), settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.notifications import selectors, services
from quanzi.notifications.constants import Kind
from quanzi.web.helpers import login_required, redirect


@login_required
def notification_list(request):
    try:
        items, next_cursor = selectors.notifications_page(user=request.user, cursor=request.GET.get("cursor"), limit=20)
    except DomainError:
        items, next_cursor = [], None
    return TemplateResponse(request, "notifications/list.html", {
        "items": items, "next_cursor": next_cursor, "unread": selectors.unread_count(user=request.user),
    })


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user, all=True)
    return redirect(request, reverse("notifications:list"))


@login_required
def open_notification(request, pk: int):
    n = selectors.notification_for(user=request.user, notification_id=pk)
    if n is None:
        raise Http404
    services.mark_read(user=request.user, ids=[n.pk])
    return redirect(request, n.link())


@login_required
def settings_page(request):
    if request.method == "POST":
        for kind in Kind.values:
            services.set_preference(user=request.user, kind=kind, enabled=request.POST.get(kind) == "on")
        messages.success(request, _("Your notification settings are saved."))
        return redirect(request, reverse("notifications:settings"))
    prefs = selectors.preferences(user=request.user)
    rows = [{"kind": k, "label": label, "enabled": prefs[k]} for k, label in Kind.choices]
    return TemplateResponse(request, "notifications/settings.html", {"rows": rows})
