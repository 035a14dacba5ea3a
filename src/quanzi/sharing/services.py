"""Sharing use cases: links, clicks and bindings, conversions, invitations and uplines.

Nothing here moves money. Commission (another app) reads the attribution snapshot that
`attribution.share_attribution` puts on order lines and the upline graph through `selectors`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, RateLimited, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.ratelimit import hit
from quanzi.sharing import targets
from quanzi.sharing.attribution import bump_bindings_version
from quanzi.sharing.events import ShareClicked, ShareCreated, UplineBound
from quanzi.sharing.models import (
    AttributionBinding,
    ClickRule,
    Invitation,
    ShareClick,
    ShareConversion,
    ShareLink,
    SharingSettings,
    Upline,
    UplineRule,
    UplineVia,
)

# Rate limits (count, seconds). Generous for people, tight for scripts.
SHARE_LIMIT = (30, 60)           # share links generated per user per minute
CLICK_LIMIT = (30, 60)           # clicks recorded per IP per minute; more are not counted
INVITE_LIMIT = (10, 600)         # invitation codes tried per IP per 10 minutes

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/O/0/1: read aloud and typed by hand
INVITE_LENGTH = 8                                     # 32^8 ≈ 10^12 codes
UPLINE_WALK_LIMIT = 10_000                            # a chain longer than this is refused as unsafe
SESSION_BINDINGS = "qz_share"
SESSION_INVITE = "qz_invite"
SESSION_MAX_PRODUCTS = 30
LINK_CACHE_TTL = 300


# ------------------------------------------------------------------ share links

def new_share_code() -> str:
    """12 URL-safe characters from 9 random bytes (72 bits): unguessable, short enough for a QR code."""
    return secrets.token_urlsafe(9)


@transaction.atomic
def share_link_for(*, sharer, target_type: str, target_id: int) -> tuple[ShareLink, targets.ShareTarget]:
    """The sharer's link to the target: reused if it exists, a fresh code once the old one expired."""
    hit("share-create", sharer.pk, limit=SHARE_LIMIT[0], window=SHARE_LIMIT[1])
    if target_type not in targets.target_types():
        raise ValidationFailed(_("This cannot be shared."), code="invalid_share_target",
                               fields={"target_type": target_type})
    target = targets.resolve(target_type, target_id)
    if target is None:
        raise NotFound(_("Nothing to share here."), code="share_target_not_found", fields={"target_id": str(target_id)})
    now = clock.now()
    expires_at = now + dt.timedelta(days=SharingSettings.current().link_ttl_days)
    link = ShareLink.objects.select_for_update().filter(sharer=sharer, target_type=target_type,
                                                        target_id=target.id).first()
    if link is None:
        link = _create_link(sharer=sharer, target=target, now=now, expires_at=expires_at)
        publish(ShareCreated(link_id=link.pk, sharer_id=sharer.pk, target_type=target_type, target_id=target.id))
    elif not link.is_active(now):
        cache.delete(_link_cache_key(link.code))
        link.code, link.created_at, link.expires_at = new_share_code(), now, expires_at
        link.save(update_fields=["code", "created_at", "expires_at"])
        publish(ShareCreated(link_id=link.pk, sharer_id=sharer.pk, target_type=target_type, target_id=target.id))
    return link, target


def _create_link(*, sharer, target, now, expires_at) -> ShareLink:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return ShareLink.objects.create(code=new_share_code(), sharer=sharer, target_type=target.type,
                                                target_id=target.id, created_at=now, expires_at=expires_at)
        except IntegrityError:
            # Either a racing request made the same (sharer, target) link, or (astronomically) a code clash.
            existing = ShareLink.objects.filter(sharer=sharer, target_type=target.type, target_id=target.id).first()
            if existing is not None:
                return existing
    raise Conflict(_("Please try again."), code="share_code_clash")


# ------------------------------------------------------------------ clicks and bindings

@dataclass(frozen=True)
class LinkInfo:
    """What the click path needs about a code, cached so a share visit costs no lookup query."""

    link_id: int
    code: str
    sharer_id: int
    product_id: int | None
    url: str
    expires_at: dt.datetime


def _link_cache_key(code: str) -> str:
    return f"sharing:link:{code}"


def link_info(*, code: str) -> LinkInfo | None:
    """The live link behind `code`, or None for a malformed, unknown or unshareable one (cached)."""
    if not code or not CODE_RE.match(code):
        return None
    key = _link_cache_key(code)
    found = cache.get(key)
    if found is None:
        link = ShareLink.objects.filter(code=code).only("id", "code", "sharer_id", "target_type", "target_id",
                                                        "expires_at").first()
        target = targets.resolve(link.target_type, link.target_id) if link else None
        found = "none" if target is None else LinkInfo(link.pk, link.code, link.sharer_id, target.product_id,
                                                       target.url, link.expires_at)
        cache.set(key, found, LINK_CACHE_TTL)
    return None if found == "none" else found


@dataclass
class ClickOutcome:
    click_id: int
    link_id: int
    self_click: bool
    bound: bool


def record_click(*, code: str, path: str, user_id: int | None, session, ip: str, device: str) -> ClickOutcome | None:
    """A visit with `?share=<code>`: count it and bind the visitor, or silently do nothing.

    Ignored (returns None): a malformed, unknown or expired code, a code shown on another page than
    its target's (pasted elsewhere to inflate clicks), and clicks past the per-IP rate limit. The
    sharer's own click is recorded and binds only as a self-purchase that never displaces a friend's
    binding. Cost: the click INSERT plus, for a logged-in visitor, the binding read and write.
    """
    info = link_info(code=code)
    now = clock.now()
    if info is None or info.expires_at <= now or info.url != path:
        return None
    try:
        hit("share-click", ip or "-", limit=CLICK_LIMIT[0], window=CLICK_LIMIT[1])
    except RateLimited:
        return None
    self_click = user_id is not None and user_id == info.sharer_id
    bound = False
    session_key = ""
    if user_id is None and session is not None:
        bound = info.product_id is not None and _bind_session(session, info, now)
        if not session.session_key:
            session.save()  # a first visit: the click names the session it bound
        session_key = session.session_key or ""
    click = ShareClick.objects.create(link_id=info.link_id, user_id=user_id, session_key=session_key,
                                      ip=ip or None, device=(device or "")[:16], self_click=self_click, at=now)
    if user_id is not None and info.product_id is not None:
        bound = bind_user(user_id=user_id, product_id=info.product_id, link_id=info.link_id,
                          sharer_id=info.sharer_id, clicked_at=now)
    publish(ShareClicked(link_id=info.link_id, click_id=click.pk, user_id=user_id, self_click=self_click))
    return ClickOutcome(click.pk, info.link_id, self_click, bound)


def _wins(*, new_at, new_self: bool, old_at, old_expires, old_self: bool, now, rule: str) -> bool:
    """Does a new click replace the current binding? The one rule for the DB and the session."""
    if old_expires <= now:
        return True
    if new_self and not old_self:
        return False  # the sharer's own click never takes a friend's credit
    if old_self and not new_self:
        return True   # a friend's share beats the visitor's own
    return rule == ClickRule.LAST and new_at >= old_at


def bind_user(*, user_id: int, product_id: int, link_id: int, sharer_id: int, clicked_at) -> bool:
    """Bind `user_id` to the sharer for the product per the click rule; True if the binding changed."""
    conf = SharingSettings.current()
    now = clock.now()
    expires_at = clicked_at + dt.timedelta(days=conf.window_days)
    if expires_at <= now:
        return False
    self_purchase = user_id == sharer_id
    fields = {"sharer_id": sharer_id, "link_id": link_id, "clicked_at": clicked_at, "expires_at": expires_at,
              "self_purchase": self_purchase}
    existing = AttributionBinding.objects.filter(user_id=user_id, product_id=product_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                AttributionBinding.objects.create(user_id=user_id, product_id=product_id, **fields)
            bump_bindings_version(user_id)
            return True
        except IntegrityError:  # a racing click of the same visitor; decide against it below
            existing = AttributionBinding.objects.get(user_id=user_id, product_id=product_id)
    if not _wins(new_at=clicked_at, new_self=self_purchase, old_at=existing.clicked_at,
                 old_expires=existing.expires_at, old_self=existing.self_purchase, now=now, rule=conf.click_rule):
        return False
    AttributionBinding.objects.filter(pk=existing.pk).update(**fields)
    bump_bindings_version(user_id)
    return True


def _bind_session(session, info: LinkInfo, now) -> bool:
    """An anonymous visitor's binding lives in the session until login or signup moves it to the DB."""
    conf = SharingSettings.current()
    bindings = dict(session.get(SESSION_BINDINGS) or {})
    key = str(info.product_id)
    old = bindings.get(key)
    if old is not None:
        try:
            old_at, old_exp = dt.datetime.fromisoformat(old["at"]), dt.datetime.fromisoformat(old["exp"])
        except (KeyError, TypeError, ValueError):
            old = None
    if old is not None and not _wins(new_at=now, new_self=False, old_at=old_at, old_expires=old_exp, old_self=False,
                                     now=now, rule=conf.click_rule):
        return False
    bindings.pop(key, None)
    bindings[key] = {"link": info.link_id, "sharer": info.sharer_id, "at": now.isoformat(),
                     "exp": (now + dt.timedelta(days=conf.window_days)).isoformat()}
    session[SESSION_BINDINGS] = dict(list(bindings.items())[-SESSION_MAX_PRODUCTS:])
    return True


def move_session_bindings(*, user, session) -> int:
    """On login or signup: the session's bindings become the user's (same click rule). Returns how many bound."""
    bindings = session.pop(SESSION_BINDINGS, None) or {}
    if not isinstance(bindings, dict) or not bindings:
        return 0
    live_links = set(ShareLink.objects.filter(pk__in=[b.get("link") for b in bindings.values() if isinstance(b, dict)])
                     .values_list("pk", flat=True))
    moved = 0
    for product_id, b in bindings.items():
        try:
            if b["link"] not in live_links:
                continue
            moved += bind_user(user_id=user.pk, product_id=int(product_id), link_id=b["link"],
                               sharer_id=int(b["sharer"]), clicked_at=dt.datetime.fromisoformat(b["at"]))
        except (KeyError, TypeError, ValueError):
            continue  # a tampered or outdated session entry is ignored
    return moved


# ------------------------------------------------------------------ conversions

def record_conversions(*, order_id: int) -> int:
    """One ShareConversion per attributed line of a paid order (idempotent); then the first-order upline rule."""
    from quanzi.orders.selectors import order_lines_of, orders_by_id

    order = orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None:
        return 0
    rows = []
    for line in order_lines_of(order_ids=[order_id]):
        share = (line.attribution or {}).get("share")
        if not isinstance(share, dict) or not share.get("link_id"):
            continue
        rows.append(ShareConversion(link_id=share["link_id"], sharer_id=share["sharer_id"], buyer_id=order.user_id,
                                    order_id=order.pk, line_id=line.pk, amount=line.line_total,
                                    self_purchase=bool(share.get("self")), at=order.paid_at or clock.now()))
    if not rows:
        return 0
    live = set(ShareLink.objects.filter(pk__in={r.link_id for r in rows}).values_list("pk", flat=True))
    rows = [r for r in rows if r.link_id in live]
    ShareConversion.objects.bulk_create(rows, ignore_conflicts=True)
    _bind_first_order_upline(order=order, rows=rows)
    return len(rows)


def _bind_first_order_upline(*, order, rows: list[ShareConversion]) -> None:
    """Rule "first_order": the sharer of the buyer's first attributed paid order (not their own) becomes the upline."""
    if SharingSettings.current().upline_rule != UplineRule.FIRST_ORDER:
        return
    friend = next((r for r in rows if not r.self_purchase), None)
    if friend is None or Upline.objects.filter(user_id=order.user_id).exists():
        return
    earlier = ShareConversion.objects.filter(buyer_id=order.user_id, self_purchase=False).exclude(order_id=order.pk)
    if earlier.exists():
        return  # not their first attributed order: the rule had its one chance then
    users = get_user_model().objects.in_bulk([order.user_id, friend.sharer_id])
    try:
        upline_bind(user=users[order.user_id], upline=users[friend.sharer_id],
                    via=UplineVia.FIRST_ORDER, code=ShareLink.objects.get(pk=friend.link_id).code)
    except (BusinessRuleViolation, Conflict):
        pass  # a cycle or an upline bound meanwhile: the graph stays as it is


# ------------------------------------------------------------------ invitations and uplines

def _new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _i in range(INVITE_LENGTH))


def invitation_for(*, user) -> Invitation:
    """The user's invitation code, created on first need."""
    found = Invitation.objects.filter(user=user).first()
    if found is not None:
        return found
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Invitation.objects.create(user=user, code=_new_invite_code())
        except IntegrityError:
            found = Invitation.objects.filter(user=user).first()
            if found is not None:
                return found
    raise Conflict(_("Please try again."), code="invite_code_clash")


def normalize_invite_code(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).upper()[:16]


def invitation_lookup(*, code: str, ip: str) -> Invitation:
    """Check an invitation code someone typed or opened (rate-limited per IP)."""
    hit("invite-use", ip or "-", limit=INVITE_LIMIT[0], window=INVITE_LIMIT[1])
    found = Invitation.objects.select_related("user").filter(code=normalize_invite_code(code)).first()
    if found is None or not found.user.is_active:
        message = _("This invitation code is not valid.")
        raise ValidationFailed(message, code="invalid_invite_code", fields={"code": message})
    return found


def in_signup_window(*, user) -> bool:
    hours = SharingSettings.current().signup_window_hours
    return clock.now() - user.date_joined <= dt.timedelta(hours=hours)


def invite_accept(*, user, code: str, ip: str, via: str = UplineVia.CODE, checked: Invitation | None = None) -> Upline:
    """A new user names their inviter (by code or invite link): the inviter becomes their upline.

    Only under the "signup" rule and within the signup window; never for an existing upline; never a cycle.
    """
    invitation = checked or invitation_lookup(code=code, ip=ip)
    if SharingSettings.current().upline_rule != UplineRule.SIGNUP:
        raise BusinessRuleViolation(_("Invitations are not used to link accounts here."), code="upline_rule_first_order")
    if not in_signup_window(user=user):
        raise BusinessRuleViolation(_("An invitation can only be accepted right after signing up."),
                                    code="invite_window_closed")
    return upline_bind(user=user, upline=invitation.user, via=via, code=invitation.code)


def _lock_upline_graph() -> None:
    """Serialize upline writes so two binds cannot close a cycle between them (A→B and B→A at once).

    Binds are rare (once per user), so one transaction-scoped advisory lock is cheap. SQLite serializes
    writers already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x5148_5550])  # "QHUP"


def ancestors(user_id: int, limit: int = UPLINE_WALK_LIMIT) -> list[int]:
    """Upline ids from the nearest up, at most `limit` (three hops per query)."""
    found: list[int] = []
    current = user_id
    while len(found) < limit:
        row = (Upline.objects.filter(user_id=current)
               .values_list("upline_id", "upline__upline_link__upline_id", "upline__upline_link__upline__upline_link__upline_id")
               .first())
        hops = [u for u in (row or ()) if u is not None]
        if not hops:
            break
        for hop in hops:
            found.append(hop)
            if hop == user_id:
                return found
        current = hops[-1]
        if len(hops) < 3:
            break
    return found[:limit]


@transaction.atomic
def upline_bind(*, user, upline, via: str, code: str = "") -> Upline:
    """Make `upline` the upline of `user`. Refuses a self-upline or a cycle (`upline_cycle`) and an
    existing upline (`upline_exists`: an upline never changes). Moves no money, ever."""
    if user.pk == upline.pk:
        raise BusinessRuleViolation(_("You cannot be your own inviter."), code="upline_cycle")
    _lock_upline_graph()
    if Upline.objects.filter(user_id=user.pk).exists():
        raise Conflict(_("Your inviter is already set and cannot change."), code="upline_exists")
    chain = ancestors(upline.pk)
    if user.pk in chain or len(chain) >= UPLINE_WALK_LIMIT:
        raise BusinessRuleViolation(_("This invitation would make a loop: %(name)s is already in your team.")
                                    % {"name": upline.display_name}, code="upline_cycle")
    try:
        with transaction.atomic():
            link = Upline.objects.create(user=user, upline=upline, via=via, code=code or "", bound_at=clock.now())
    except IntegrityError:
        raise Conflict(_("Your inviter is already set and cannot change."), code="upline_exists") from None
    publish(UplineBound(user_id=user.pk, upline_id=upline.pk, via=via))
    return link


def bind_invite_from_session(*, user, session) -> Upline | None:
    """On login/signup: an invite link opened before signing up binds the inviter (if every rule allows)."""
    code = session.pop(SESSION_INVITE, None)
    if not code or Upline.objects.filter(user_id=user.pk).exists():
        return None
    invitation = Invitation.objects.select_related("user").filter(code=normalize_invite_code(code)).first()
    if invitation is None:
        return None
    try:
        return invite_accept(user=user, code=code, ip="", via=UplineVia.INVITE_LINK, checked=invitation)
    except (BusinessRuleViolation, Conflict):
        return None
