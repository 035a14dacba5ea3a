"""Bargain use cases: every state change of campaigns, bargains and helps.

Locks (see docs/bargain.md): a help locks the bargain row, then the helper's own day-counter row
(conditional UPDATE); a purchase locks the bargain row, then checkout takes the campaign pool row.
An order cancellation (order → pool → bargain) only ever waits for a bargain that is `bought`, which
no purchase holds past its status check, so the two orders never meet in a cycle.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quanzi.bargain.cuts import draw_cut
from quanzi.bargain.models import (
    ACTIVE_STATUSES,
    MAX_EXPECTED_HELPS,
    MAX_TIME_LIMIT_SECONDS,
    MIN_EXPECTED_HELPS,
    MIN_TIME_LIMIT_SECONDS,
    Bargain,
    BargainCampaign,
    BargainHelp,
    BargainStatus,
    CampaignStatus,
    HelperDay,
)
from quanzi.bargain.states import BARGAIN, CAMPAIGN
from quanzi.catalog.selectors import pool_units, shop_skus
from quanzi.catalog.services import pool_release, pool_set_aside
from quanzi.core import clock
from quanzi.core.errors import (
    BusinessRuleViolation,
    Conflict,
    DomainError,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from quanzi.core.validation import whole_number
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.selectors import order_line_refs, user_has_paid_order
from quanzi.orders.services import CheckoutItem

PRICE_SOURCE = "bargain"
DEFAULT_DAILY_HELPS = 5
NEW_USER_DAYS = 7
MAX_PER_USER = 99
MAX_STOCK = 100_000
DAY_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
_rng = random.SystemRandom()  # cuts must not be predictable from earlier ones


def daily_help_limit() -> int:
    return int(getattr(settings, "QUANZI", {}).get("BARGAIN_DAILY_HELPS", DEFAULT_DAILY_HELPS))




# ---------------------------------------------------------------- campaigns (merchant)

def _check_prices(*, sku, original_price: int, floor_price: int, expected_helps: int) -> None:
    """Original price: above zero and not above the SKU's list price (a higher "was" price would be a
    fictitious original price, 虚假原价). Floor: above zero and below the original, with at least one
    fen per expected help between them (every help cuts ≥ 1 fen)."""
    if isinstance(original_price, bool) or not isinstance(original_price, int) or not 0 < original_price <= sku.price:
        raise ValidationFailed(_("The original price must be above zero and not above the list price."),
                               code="invalid_original_price", fields={"original_price": "invalid"})
    if isinstance(floor_price, bool) or not isinstance(floor_price, int) or not 0 < floor_price < original_price:
        raise ValidationFailed(_("The floor price must be above zero and below the original price."),
                               code="invalid_floor_price", fields={"floor_price": "invalid"})
    if original_price - floor_price < expected_helps:
        raise ValidationFailed(_("Leave at least 0.01 yuan between the prices for every expected help."),
                               code="price_gap_too_small", fields={"floor_price": "invalid"})


@transaction.atomic
def campaign_create(*, shop, sku_id: int, floor_price: int, expected_helps: int, stock: int,
                    starts_at: dt.datetime, ends_at: dt.datetime, original_price: int | None = None,
                    time_limit_seconds: int = 24 * 3600, per_user_limit: int = 1, new_user_bonus: bool = True,
                    title: str = "") -> BargainCampaign:
    """A draft campaign on one SKU of the merchant's own product (original price: the list price by default)."""
    sku = next(iter(shop_skus(shop_id=shop.pk, sku_ids=[sku_id])), None)
    if sku is None:
        raise NotFound(_("Product not found."), code="sku_not_found", fields={"sku_id": str(sku_id)[:20]})
    whole_number(expected_helps, "expected_helps", low=MIN_EXPECTED_HELPS, high=MAX_EXPECTED_HELPS,
         code="invalid_expected_helps")
    whole_number(time_limit_seconds, "time_limit_seconds", low=MIN_TIME_LIMIT_SECONDS, high=MAX_TIME_LIMIT_SECONDS,
         code="invalid_time_limit")
    whole_number(per_user_limit, "per_user_limit", low=1, high=MAX_PER_USER, code="invalid_per_user_limit")
    original_price = sku.price if original_price is None else original_price
    _check_prices(sku=sku, original_price=original_price, floor_price=floor_price, expected_helps=expected_helps)
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) \
            or starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at or ends_at <= clock.now():
        raise ValidationFailed(_("The campaign must end after it starts, and in the future."),
                               code="invalid_campaign_window", fields={"ends_at": "invalid"})
    if isinstance(stock, bool) or not isinstance(stock, int) or not 0 < stock <= MAX_STOCK:
        raise ValidationFailed(_("Set aside at least one unit for the campaign."), code="campaign_no_stock",
                               fields={"stock": "invalid"})
    if stock > sku.stock:
        raise BusinessRuleViolation(_("Not enough stock to set aside."), code="out_of_stock", fields={"stock": "invalid"})
    return BargainCampaign.objects.create(
        shop=shop, product=sku.product, sku=sku, title=str(title or sku.product.title)[:120],
        original_price=original_price, floor_price=floor_price, expected_helps=expected_helps,
        time_limit_seconds=time_limit_seconds, stock=stock, per_user_limit=per_user_limit,
        new_user_bonus=bool(new_user_bonus), starts_at=starts_at, ends_at=ends_at)


def _lock_campaign(campaign_id: int, shop=None) -> BargainCampaign:
    qs = BargainCampaign.objects.select_for_update().filter(pk=campaign_id)
    if shop is not None:
        qs = qs.filter(shop=shop)
    campaign = qs.first()
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    return campaign


@transaction.atomic
def campaign_activate(*, campaign_id: int, shop=None) -> BargainCampaign:
    """Draft → active: the units move into the campaign's pool (out_of_stock if they are gone)."""
    campaign = _lock_campaign(campaign_id, shop)
    CAMPAIGN.check(campaign.status, CampaignStatus.ACTIVE)
    if campaign.ends_at <= clock.now():
        raise Conflict(_("This campaign has already ended."), code="campaign_ended")
    pool_set_aside(pool=campaign.stock_pool, sku_id=campaign.sku_id, quantity=campaign.stock)
    campaign.status = CampaignStatus.ACTIVE
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def campaign_end(*, campaign_id: int, shop=None) -> BargainCampaign:
    """Active (or draft) → ended: bargains still running expire, the pool goes back to the SKU.
    Units that unpaid bargain orders bring back later are returned by the sweep."""
    campaign = _lock_campaign(campaign_id, shop)
    CAMPAIGN.check(campaign.status, CampaignStatus.ENDED)
    was_active = campaign.status == CampaignStatus.ACTIVE
    campaign.save(update_fields=campaign.mark_ended(clock.now()))
    Bargain.objects.filter(campaign=campaign, status__in=ACTIVE_STATUSES).update(status=BargainStatus.EXPIRED)
    if was_active:
        pool_release(pool=campaign.stock_pool)
    return campaign


# ---------------------------------------------------------------- starting a bargain

def _check_running(campaign: BargainCampaign, now) -> None:
    if not campaign.is_running(now):
        raise Conflict(_("This bargain campaign is not running."), code="campaign_not_running")


@transaction.atomic
def bargain_start(*, user, campaign_id: int) -> Bargain:
    """Start a bargain at the campaign's original price. One running bargain per user and campaign
    (a partial unique index backs it under races); `per_user_limit` purchases per user."""
    campaign = BargainCampaign.objects.filter(pk=campaign_id).first() \
        if isinstance(campaign_id, int) and not isinstance(campaign_id, bool) else None
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    now = clock.now()
    _check_running(campaign, now)
    if campaign.shop.owner_id == user.pk:
        raise BusinessRuleViolation(_("You cannot bargain on your own shop's product."), code="own_campaign")
    if not pool_units(pools=[campaign.stock_pool])[campaign.stock_pool]:
        raise Conflict(_("This bargain is sold out."), code="campaign_sold_out")
    mine = Bargain.objects.filter(campaign=campaign, starter=user)
    if mine.filter(status__in=ACTIVE_STATUSES).exists():
        raise Conflict(_("You already have a bargain running for this product."), code="bargain_already_active")
    if mine.filter(status=BargainStatus.BOUGHT).count() >= campaign.per_user_limit:
        raise BusinessRuleViolation(_("You have reached this campaign's limit per person."),
                                    code="bargain_limit_reached")
    expires_at = min(now + dt.timedelta(seconds=campaign.time_limit_seconds), campaign.ends_at)
    try:
        with transaction.atomic():
            return Bargain.objects.create(
                campaign=campaign, starter=user, original_price=campaign.original_price,
                floor_price=campaign.floor_price, expected_helps=campaign.expected_helps,
                current_price=campaign.original_price, expires_at=expires_at, created_at=now)
    except IntegrityError:  # a concurrent start by the same user won
        raise Conflict(_("You already have a bargain running for this product."), code="bargain_already_active")


# ---------------------------------------------------------------- helping

def is_new_user(user, now) -> bool:
    """Younger than NEW_USER_DAYS and never paid an order."""
    joined = getattr(user, "date_joined", None)
    if joined is None or joined < now - dt.timedelta(days=NEW_USER_DAYS):
        return False
    return not user_has_paid_order(user_id=user.pk)


def _count_daily_help(user, now) -> None:
    """+1 on the helper's own counter row for today (Asia/Shanghai), only below the limit: one
    conditional UPDATE locks just this helper's row, so racing helps never pass the limit."""
    day = now.astimezone(DAY_ZONE).date()
    limit = daily_help_limit()
    row, _created = HelperDay.objects.get_or_create(helper=user, day=day)
    if not HelperDay.objects.filter(pk=row.pk, count__lt=limit).update(count=F("count") + 1):
        raise RateLimited(_("You have helped %(n)d times today. Come back tomorrow.") % {"n": limit},
                          code="daily_help_limit", fields={"limit": str(limit)})


def _lock_bargain(number: str, **filters) -> Bargain:
    bargain = Bargain.objects.select_for_update().filter(number=str(number)[:12], **filters).first()
    if bargain is None:
        raise NotFound(_("Bargain not found."), code="bargain_not_found")
    return bargain


def _check_open_for_help(bargain: Bargain, now) -> None:
    if bargain.status == BargainStatus.FLOOR_REACHED:
        raise Conflict(_("This bargain already reached its lowest price."), code="bargain_floor_reached")
    if bargain.status == BargainStatus.BOUGHT:
        raise Conflict(_("This bargain has been bought."), code="bargain_closed")
    if bargain.status == BargainStatus.EXPIRED or bargain.expires_at <= now \
            or bargain.campaign.status != CampaignStatus.ACTIVE:
        raise Conflict(_("This bargain has expired."), code="bargain_expired")


@transaction.atomic
def bargain_help(*, user, number: str, rng: random.Random | None = None) -> BargainHelp:
    """Cut a friend's bargain once. The bargain row is locked while the cut is drawn and written, so
    concurrent helps see each other's cuts and the total stays exact; UNIQUE(bargain, helper) backs
    "one cut per helper"; the helper's day counter backs the daily limit."""
    bargain = _lock_bargain(number)
    now = clock.now()
    if bargain.starter_id == user.pk:
        raise BusinessRuleViolation(_("Ask your friends: you cannot cut your own bargain."), code="own_bargain")
    _check_open_for_help(bargain, now)
    if BargainHelp.objects.filter(bargain=bargain, helper=user).exists():
        raise Conflict(_("You already helped this bargain."), code="already_helped")
    _count_daily_help(user, now)
    new = bargain.campaign.new_user_bonus and is_new_user(user, now)
    cut = draw_cut(remaining=bargain.remaining, slots_left=bargain.expected_helps - bargain.slots_used,
                   rng=rng or _rng, is_new_user=new)
    try:
        with transaction.atomic():
            help_ = BargainHelp.objects.create(bargain=bargain, helper=user, amount=cut.amount, slots=cut.slots,
                                               is_new_user=new, created_at=now)
    except IntegrityError:
        raise Conflict(_("You already helped this bargain."), code="already_helped")
    bargain.current_price -= cut.amount
    bargain.cut_total += cut.amount
    bargain.helps_count += 1
    bargain.slots_used += cut.slots
    fields = ["current_price", "cut_total", "helps_count", "slots_used"]
    if bargain.slots_used >= bargain.expected_helps:
        BARGAIN.check(bargain.status, BargainStatus.FLOOR_REACHED)
        bargain.status, bargain.floor_reached_at = BargainStatus.FLOOR_REACHED, now
        fields += ["status", "floor_reached_at"]
    bargain.save(update_fields=fields)
    return help_


# ---------------------------------------------------------------- buying

def check_buyable(bargain: Bargain, now) -> None:
    """The starter may buy an open or floor-reached bargain until it expires, while the campaign runs."""
    if bargain.status == BargainStatus.BOUGHT:
        raise Conflict(_("You already bought this bargain."), code="bargain_already_bought")
    if bargain.status == BargainStatus.EXPIRED or bargain.expires_at <= now:
        raise Conflict(_("This bargain has expired."), code="bargain_expired")
    _check_running(bargain.campaign, now)


@transaction.atomic
def bargain_buy(*, user, number: str, address_id: int):
    """Place the order at the bargain's current price (one unit, from the campaign's pool) and open
    its payment. Returns (bargain, order, payment). Another user's bargain answers bargain_not_found."""
    bargain = _lock_bargain(number, starter=user)
    check_buyable(bargain, clock.now())
    orders, payment = checkout_and_pay(user=user, address_id=address_id, clear_cart=False,
                                       items=[CheckoutItem(bargain.campaign.sku_id, 1, PRICE_SOURCE, bargain.number)])
    bargain.refresh_from_db()  # bargain_order_placed marked it bought
    return bargain, orders[0], payment


def bargain_refs_of_order(*, order_id: int) -> list[str]:
    return order_line_refs(order_id=order_id, price_source=PRICE_SOURCE)


@transaction.atomic
def bargain_order_placed(*, order_id: int, user_id: int, refs: list[str]) -> None:
    """An order with a bargain line was placed (in checkout's transaction, through bargain_buy or the
    plain checkout API): the bargain becomes bought, or the whole checkout is refused."""
    now = clock.now()
    for ref in refs:
        bargain = _lock_bargain(ref, starter_id=user_id)
        check_buyable(bargain, now)
        BARGAIN.check(bargain.status, BargainStatus.BOUGHT)
        bargain.status, bargain.order_id, bargain.bought_at = BargainStatus.BOUGHT, order_id, now
        bargain.save(update_fields=["status", "order", "bought_at"])


@transaction.atomic
def bargain_order_cancelled(*, order_id: int) -> None:
    """The bargain's order was cancelled unpaid: the starter may buy again while time is left."""
    bargain = Bargain.objects.select_for_update().filter(order_id=order_id, status=BargainStatus.BOUGHT).first()
    if bargain is None:
        return
    now = clock.now()
    target = BargainStatus.FLOOR_REACHED if bargain.slots_used >= bargain.expected_helps else BargainStatus.OPEN
    campaign = bargain.campaign
    if bargain.expires_at <= now or not campaign.is_running(now) \
            or Bargain.objects.filter(campaign=campaign, starter_id=bargain.starter_id,
                                      status__in=ACTIVE_STATUSES).exists():
        target = BargainStatus.EXPIRED
    BARGAIN.check(bargain.status, target)
    bargain.status, bargain.order, bargain.bought_at = target, None, None
    bargain.save(update_fields=["status", "order", "bought_at"])


# ---------------------------------------------------------------- deadlines

def bargains_expire_due(*, limit: int = 1000) -> int:
    """Open or floor-reached bargains past their time: expired (a conditional UPDATE: a help or a
    purchase holding the row finishes first and the row is re-checked)."""
    now = clock.now()
    ids = list(Bargain.objects.filter(status__in=ACTIVE_STATUSES, expires_at__lte=now)
               .order_by("expires_at").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    return Bargain.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES, expires_at__lte=now) \
        .update(status=BargainStatus.EXPIRED)


# ---------------------------------------------------------------- sharing

def bargain_share_target(bargain_id: int):
    """What a share link, poster and copy-text of a bargain show (the sharing app's "bargain" target)."""
    from django.urls import reverse

    from quanzi.sharing.targets import ShareTarget

    bargain = Bargain.objects.select_related("campaign__product").filter(pk=bargain_id).first()
    if bargain is None:
        return None
    product = bargain.campaign.product
    return ShareTarget(type="bargain", id=bargain.pk, title=product.title,
                       url=reverse("bargain:bargain", args=[bargain.number]), price=bargain.current_price,
                       image=product.cover or "", product_id=product.pk,
                       version=f"{bargain.status}-{bargain.cut_total}")


def bargain_share_link(*, user, bargain: Bargain):
    """The starter's share link to the bargain (reused), or None when sharing refuses (rate limit)."""
    from quanzi.sharing import selectors as share_selectors
    from quanzi.sharing.services import share_link_for

    link = share_selectors.my_link_for_target(user_id=user.pk, target_type="bargain", target_id=bargain.pk)
    if link is not None and link.is_active():
        return link
    try:
        link, _target = share_link_for(sharer=user, target_type="bargain", target_id=bargain.pk)
    except DomainError:
        return None
    return link
