"""Live pages: the schedule (/live/), the viewer's room (/live/<number>/), the host console, the replay,
the stats, and the merchant's/creator's room list with shelf editing (/merchant/live/)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core import clock
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.live import selectors, services
from quanzi.live.models import RoomStatus
from quanzi.live.stats import room_stats
from quanzi.web.forms import field_errors_for, parse_int
from quanzi.web.helpers import is_htmx, login_required


def _ws_url() -> str:
    from django.conf import settings

    return getattr(settings, "LIVE_WS_URL", "")


def _room_or_404(number: str):
    try:
        return selectors.room_by_number(number=number)
    except DomainError:
        raise Http404 from None


def _host_room_or_404(request, number: str):
    try:
        return selectors.room_for_host(user=request.user, number=number)
    except DomainError:
        raise Http404 from None


def schedule(request):
    live, upcoming = selectors.live_now(), selectors.upcoming()
    return TemplateResponse(request, "live/schedule.html", {
        "live_rooms": live, "upcoming": upcoming, "replays": selectors.recent_replays(),
        "reminded": selectors.reminded_room_ids(user=request.user, room_ids=[r.pk for r in upcoming]),
        "can_host": selectors.can_host(user=request.user),
    })


@login_required
@require_POST
def remind(request, number: str):
    room = _room_or_404(number)
    on = request.POST.get("on", "1") == "1"
    try:
        on = services.remind(room=room, user=request.user, on=on)
    except DomainError as exc:
        if is_htmx(request):
            return TemplateResponse(request, "live/partials/remind_button.html",
                                    {"room": room, "reminded": False, "error": exc.message})
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("live:schedule"))
    if is_htmx(request):
        return TemplateResponse(request, "live/partials/remind_button.html", {"room": room, "reminded": on})
    messages.success(request, _("We will remind you when it starts.") if on else _("Reminder removed."))
    return HttpResponseRedirect(reverse("live:schedule"))


def room_page(request, number: str):
    room = _room_or_404(number)
    if room.status == RoomStatus.ENDED:
        return HttpResponseRedirect(reverse("live:replay", args=[room.number]))
    is_host = request.user.is_authenticated and (room.host_id == request.user.pk
                                                 or (room.shop_id and room.shop.owner_id == request.user.pk))
    return TemplateResponse(request, "live/room.html", {
        "room": room, "shelf": selectors.shelf(room=room), "chat": selectors.recent_chat(room=room, limit=30),
        "is_host": is_host, "reminded": bool(selectors.reminded_room_ids(user=request.user, room_ids=[room.pk])),
        "ws_url": _ws_url(),
    })


@login_required
def console(request, number: str):
    room = _host_room_or_404(request, number)
    return TemplateResponse(request, "live/console.html", {
        "room": room, "shelf": selectors.shelf(room=room), "chat": selectors.recent_chat(room=room, limit=50),
        "sanctions": selectors.sanctions(room=room), "push_url": services.push_url(room),
        "stats": room_stats(room=room) if room.started_at else [], "ws_url": _ws_url(),
    })


def replay(request, number: str):
    room = _room_or_404(number)
    if room.status != RoomStatus.ENDED:
        return HttpResponseRedirect(reverse("live:room", args=[room.number]))
    chat = selectors.chat_replay(room=room)
    start = room.started_at
    lines = [{"event": e, "offset": max(0, int((e.created_at - start).total_seconds())) if start else 0} for e in chat]
    return TemplateResponse(request, "live/replay.html", {"room": room, "shelf": selectors.shelf(room=room),
                                                          "lines": lines})


@login_required
def stats(request, number: str):
    room = _host_room_or_404(request, number)
    return TemplateResponse(request, "live/stats.html", {"room": room, "rows": room_stats(room=room)})


# ---------------------------------------------------------------- merchant / creator pages

def _console_context(request) -> dict:
    from quanzi.shops.selectors import shop_for_owner

    return {"shop": shop_for_owner(user=request.user), "console_tab": "live"}


def _parse_schedule(date_text: str, time_text: str) -> dt.datetime | None:
    try:
        naive = dt.datetime.fromisoformat(f"{date_text.strip()}T{(time_text or '20:00').strip()}")
    except ValueError:
        return None
    return timezone.make_aware(naive, timezone.get_current_timezone())


# The services' field names → the room forms', so each message shows under the input it is about.
ROOM_ERROR_FIELDS = {"scheduled_at": "date", "image": "cover", "product_id": "product_ids"}


def _host_products(request, shop):
    from quanzi.catalog.selectors import sellable_products

    qs = sellable_products()
    if shop is not None:
        qs = qs.filter(shop=shop)
    return list(qs.select_related("shop").order_by("-created_at")[:100])


@login_required
def merchant_rooms(request):
    if not selectors.can_host(user=request.user):
        from quanzi.live.models import HostPermit

        permit = HostPermit.objects.filter(user=request.user).first()
        if request.method == "POST" and request.POST.get("action") == "apply":
            try:
                services.permit_apply(user=request.user, note=request.POST.get("note", ""))
                messages.success(request, _("Application sent: an operator will review it."))
            except DomainError as exc:
                messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("live:merchant_rooms"))
        return TemplateResponse(request, "live/host_apply.html", {**_console_context(request), "permit": permit})
    ctx = _console_context(request)
    shop = services.host_shop(request.user)
    form = {k: request.POST.get(k, "") for k in ("title", "date", "time")} if request.method == "POST" else {
        "date": (timezone.localtime(clock.now()) + dt.timedelta(days=1)).date().isoformat(), "time": "20:00"}
    product_ids = [int(p) for p in request.POST.getlist("product_ids") if p.isdigit()][:100]
    ctx.update(form=form, products=_host_products(request, shop), picked=set(product_ids))
    if request.method == "POST":
        scheduled = _parse_schedule(form["date"], form["time"])
        try:
            if scheduled is None:
                raise ValidationFailed(_("Pick a date and a time."), code="invalid_schedule",
                                       fields={"date": _("Pick a date and a time.")})
            room = services.room_create(host=request.user, title=form["title"], scheduled_at=scheduled,
                                        product_ids=product_ids, cover=request.FILES.get("cover"))
            messages.success(request, _("Room created."))
            return HttpResponseRedirect(reverse("live:merchant_room", args=[room.number]))
        except DomainError as exc:
            ctx.update(error=exc.message, field_errors=field_errors_for(exc, ROOM_ERROR_FIELDS),
                       rooms=selectors.rooms_for_host(user=request.user))
            return TemplateResponse(request, "live/merchant_rooms.html", ctx, status=400)
    ctx["rooms"] = selectors.rooms_for_host(user=request.user)
    return TemplateResponse(request, "live/merchant_rooms.html", ctx)


@login_required
def merchant_room(request, number: str):
    room = _host_room_or_404(request, number)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                services.shelf_add(room=room, product_id=parse_int(request.POST.get("product_id"), "product_id"))
                messages.success(request, _("Added to the shelf."))
            elif action == "remove":
                services.shelf_remove(room=room, product_id=parse_int(request.POST.get("product_id"), "product_id"))
                messages.success(request, _("Removed from the shelf."))
            elif action == "update":
                return _room_update(request, room)
            elif action == "rotate_key":
                services.stream_key_rotate(room=room)
                messages.success(request, _("New stream key issued: update your streaming app."))
            elif action == "cancel":
                services.room_end(room=room)
                messages.success(request, _("Room cancelled."))
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Choose a product."))
        return HttpResponseRedirect(reverse("live:merchant_room", args=[room.number]))
    return _room_page(request, room)


def _room_page(request, room, *, status: int = 200, **extra) -> TemplateResponse:
    shelf = selectors.shelf(room=room)
    on_shelf = {item.product_id for item in shelf}
    local = timezone.localtime(room.scheduled_at)
    form = {"title": room.title, "date": local.date().isoformat(), "time": local.strftime("%H:%M")}
    form.update(extra.pop("form", {}))
    return TemplateResponse(request, "live/merchant_room.html", {
        **_console_context(request), "room": room, "shelf": shelf, "push_url": services.push_url(room),
        "candidates": [p for p in _host_products(request, room.shop) if p.pk not in on_shelf],
        "form": form, "date": form["date"], "time": form["time"], **extra,
    }, status=status)


def _room_update(request, room):
    """The room form: saved → back to the page with a message; refused → the form again, the merchant's
    input kept and each message under its field."""
    form = {k: request.POST.get(k, "") for k in ("title", "date", "time")}
    try:
        scheduled = None
        if room.status == RoomStatus.SCHEDULED:
            scheduled = _parse_schedule(form["date"], form["time"])
            if scheduled is None:
                raise ValidationFailed(_("Pick a date and a time."), code="invalid_schedule",
                                       fields={"date": _("Pick a date and a time.")})
        services.room_update(room=room, title=form["title"], scheduled_at=scheduled, cover=request.FILES.get("cover"))
    except DomainError as exc:
        room.refresh_from_db()
        return _room_page(request, room, status=400, form=form, error=exc.message,
                          field_errors=field_errors_for(exc, ROOM_ERROR_FIELDS))
    messages.success(request, _("Saved."))
    return HttpResponseRedirect(reverse("live:merchant_room", args=[room.number]))
