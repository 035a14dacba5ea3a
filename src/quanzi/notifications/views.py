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
@require_POST
def mute_sender(request, pk: int):
    """From a notification: stop everything its sender causes ("stop sharing to me")."""
    n = selectors.notification_for(user=request.user, notification_id=pk)
    if n is None or not n.actor_id:
        raise Http404
    services.sender_mute(user=request.user, sender_uid=n.actor.uid)
    messages.success(request, _("You will no longer get notifications from %(name)s.") % {"name": n.actor.display_name})
    return redirect(request, reverse("notifications:list"))


@login_required
@require_POST
def report_sender(request, pk: int):
    try:
        services.harassment_report(user=request.user, notification_id=pk, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.code == "notification_not_found":
            raise Http404 from None
        messages.error(request, exc.message)
        return redirect(request, reverse("notifications:list"))
    messages.success(request, _("Thank you. We muted this person for you, and your report counts against them."))
    return redirect(request, reverse("notifications:list"))


@login_required
@require_POST
def unmute_sender(request):
    try:
        services.sender_unmute(user=request.user, sender_uid=str(request.POST.get("uid", ""))[:40])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(request, reverse("notifications:settings"))


@login_required
def settings_page(request):
    if request.method == "POST":
        for kind in Kind.values:
            services.set_preference(user=request.user, kind=kind, enabled=request.POST.get(kind) == "on")
        messages.success(request, _("Your notification settings are saved."))
        return redirect(request, reverse("notifications:settings"))
    prefs = selectors.preferences(user=request.user)
    rows = [{"kind": k, "label": label, "enabled": prefs[k]} for k, label in Kind.choices]
    return TemplateResponse(request, "notifications/settings.html",
                            {"rows": rows, "muted": selectors.muted_senders(user=request.user)})
