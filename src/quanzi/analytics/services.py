"""Writing the analytics log: facts from the domain event stream (handlers.py) and beacons from browsers.

Every fact has an idempotency key; `record` inserts with ON CONFLICT DO NOTHING, so a fact delivered
twice (an outbox retry, a beacon sent again after a lost answer) is stored once, and marks the days it
touched for the rollup job. People are only pseudonymous actors: a keyed hash (HMAC-SHA256 with the
site's secret) of the user id, or of the device for a visitor who is not signed in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from quanzi.analytics.constants import (
    BEACON_NAMES,
    BEACON_OBJECTS,
    NOTE_VIEW,
    PAGE_VIEW,
    PRODUCT_VIEW,
    ROOM_VIEW,
    Channel,
)
from quanzi.analytics.models import DirtyMark, Event
from quanzi.core import clock
from quanzi.core.errors import ValidationFailed

SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # the reports' day (China has no daylight saving time)
MAX_BEACON_ITEMS = 50
BEACON_PAST = dt.timedelta(days=3)  # a phone that was offline may send late; older is dropped
BEACON_FUTURE = dt.timedelta(minutes=5)  # clock skew
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


@dataclass(frozen=True)
class Fact:
    key: str
    name: str
    occurred_at: dt.datetime
    actor: str
    shop_id: int | None = None
    object_type: str = ""
    object_id: int | None = None
    amount: int = 0
    channel: str = ""
    props: dict = field(default_factory=dict)


def _pseudonym(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"analytics:{kind}:{value}".encode(), hashlib.sha256)
    return kind[0] + digest.hexdigest()[:20]


def actor_of_user(user_id: int) -> str:
    return _pseudonym("user", str(int(user_id)))


def actor_of_device(device: str) -> str:
    return _pseudonym("device", str(device)[:64])


def report_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def channel_of(*, attributions: Iterable[str] = (), price_sources: Iterable[str] = ()) -> str:
    """An order's sales channel: who brought the buyer (a shared link, a note, a live room) before how it
    was priced (group, flash, bargain); organic when neither."""
    attributions, price_sources = set(attributions or ()), set(price_sources or ())
    for channel in (Channel.SHARE, Channel.NOTE, Channel.LIVE):
        if channel.value in attributions or channel.value in price_sources:
            return channel.value
    for channel in (Channel.GROUP, Channel.FLASH, Channel.BARGAIN):
        if channel.value in price_sources:
            return channel.value
    return Channel.ORGANIC.value


def record(facts: Iterable[Fact]) -> int:
    """Store facts (each key once, whatever happens later) and mark their days for the rollup job.
    Returns how many were given."""
    rows = [Event(key=f.key[:80], name=f.name, occurred_at=f.occurred_at, day=report_day(f.occurred_at),
                  actor=f.actor, shop_id=f.shop_id, object_type=f.object_type, object_id=f.object_id,
                  amount=int(f.amount), channel=f.channel, props=f.props) for f in facts]
    if not rows:
        return 0
    Event.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    DirtyMark.objects.bulk_create([DirtyMark(day=d) for d in sorted({r.day for r in rows})])
    return len(rows)


def forget_user(*, user_id: int) -> int:
    """PIPL: the user asked to be forgotten. Their events stay in the totals, but under a random actor
    nothing links back to them (not even the keyed hash). Returns the events changed."""
    import secrets

    from quanzi.analytics import clickhouse

    actor, replacement = actor_of_user(user_id), "x" + secrets.token_hex(10)
    changed = Event.objects.filter(actor=actor).update(actor=replacement)
    clickhouse.forget_actor(actor=actor, replacement=replacement)  # its copies, when ClickHouse is configured
    return changed


# ---------------------------------------------------------------- beacons

@dataclass(frozen=True)
class BeaconResult:
    accepted: int
    rejected: int
    reasons: dict


def _beacon_facts(item, *, actor: str, now: dt.datetime) -> list[Fact] | str:
    """One beacon item as facts (a page view of a note's page is also that note's view), or the reason it
    is dropped."""
    if not isinstance(item, dict):
        return "not_an_object"
    name, key, ts = item.get("name"), item.get("key"), item.get("ts")
    if name not in BEACON_NAMES:
        return "unknown_event"
    if not isinstance(key, str) or not CLIENT_KEY.match(key):
        return "invalid_key"
    if isinstance(ts, bool) or not isinstance(ts, int):
        return "invalid_time"
    try:
        when = dt.datetime.fromtimestamp(ts / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return "invalid_time"
    if not now - BEACON_PAST <= when <= now + BEACON_FUTURE:
        return "out_of_range_time"
    object_type, object_id = BEACON_OBJECTS[name], item.get("id")
    if object_type:
        if isinstance(object_id, bool) or not isinstance(object_id, int) or not 0 < object_id < 2**63:
            return "invalid_object"
    else:
        object_id = None
    props = {}
    if name == PAGE_VIEW:
        path = item.get("path")
        if not isinstance(path, str) or not path.startswith("/") or len(path) > 200:
            return "invalid_path"
        props["path"] = path.split("?", 1)[0]  # no query strings: they may carry what is not ours to keep
    fact = Fact(key=f"b:{actor}:{key}", name=name, occurred_at=when, actor=actor, object_type=object_type,
                object_id=object_id, props=props)
    return [fact, *_views_of_page(fact)]


PAGE_OBJECTS = {"content:note": (NOTE_VIEW, "note", "note_id")}  # URL name → (event, object, URL kwarg)


def _views_of_page(page: Fact) -> list[Fact]:
    """A page view whose page shows one thing (a note) is also that thing's view: the content-effect
    reports count reads without the pages sending anything but their path."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(page.props["path"])
    except (Resolver404, KeyError):
        return []
    if match.view_name == "live:room":
        return _room_view(page, str(match.kwargs.get("number", "")))
    found = PAGE_OBJECTS.get(match.view_name)
    if found is None:
        return []
    name, object_type, kwarg = found
    return [Fact(key=page.key + ":o", name=name, occurred_at=page.occurred_at, actor=page.actor,
                 object_type=object_type, object_id=int(match.kwargs[kwarg]))]


def _room_view(page: Fact, number: str) -> list[Fact]:
    """A live room's page names the room by its number: its view carries the room's id and shop."""
    from quanzi.core.errors import NotFound
    from quanzi.live.selectors import room_by_number

    try:
        room = room_by_number(number=number[:32])
    except NotFound:
        return []
    return [Fact(key=page.key + ":o", name=ROOM_VIEW, occurred_at=page.occurred_at, actor=page.actor,
                 shop_id=room.shop_id, object_type="room", object_id=room.pk)]


def beacon_accept(*, items, user=None, device: str = "", user_agent: str = "") -> BeaconResult:
    """A browser's batch of views and impressions (at most 50). Each item: `key` (the browser's own
    idempotency key, 8–40 of A–Z a–z 0–9 _ -), `name` (page.view, product.view, note.view, room.view,
    impression), `ts` (epoch milliseconds, at most 3 days old and 5 minutes ahead), `id` (the product,
    note or room) or `path` (page views). Bots are counted as rejected, never stored; a bad item is
    dropped with its reason, the rest are kept. The actor is the signed-in user, else the device."""
    from quanzi.core.http import is_bot_agent

    if not isinstance(items, list) or not items:
        raise ValidationFailed(_("A beacon carries a list of events."), code="invalid_beacon",
                               fields={"events": "required"})
    if len(items) > MAX_BEACON_ITEMS:
        raise ValidationFailed(_("At most %(n)d events in one beacon.") % {"n": MAX_BEACON_ITEMS},
                               code="beacon_too_large", fields={"events": f"max {MAX_BEACON_ITEMS}"})
    if is_bot_agent(user_agent):
        return BeaconResult(accepted=0, rejected=len(items), reasons={"bot": len(items)})
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    actor = actor_of_user(user.pk) if signed_in else actor_of_device(device or "unknown")
    now, facts, reasons = clock.now(), [], {}
    for item in items:
        found = _beacon_facts(item, actor=actor, now=now)
        if isinstance(found, str):
            reasons[found] = reasons.get(found, 0) + 1
        else:
            facts.extend(found)
    known = _with_shops(facts)
    if len(known) < len(facts):
        reasons["unknown_object"] = len(facts) - len(known)
    record(known)
    rejected = sum(reasons.values())
    return BeaconResult(accepted=len(items) - rejected, rejected=rejected, reasons=reasons)


def _with_shops(facts: list[Fact]) -> list[Fact]:
    """Product views carry their product's shop (merchants' reports); a product that does not exist
    is dropped (one query per beacon)."""
    from dataclasses import replace

    from quanzi.catalog.selectors import products_by_ids

    ids = {f.object_id for f in facts if f.name == PRODUCT_VIEW}
    if not ids:
        return facts
    shops = {pk: p.shop_id for pk, p in products_by_ids(product_ids=ids).items()}
    return [replace(f, shop_id=shops[f.object_id]) if f.name == PRODUCT_VIEW else f
            for f in facts if f.name != PRODUCT_VIEW or f.object_id in shops]
