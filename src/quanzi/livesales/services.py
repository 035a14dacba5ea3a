"""Live-room sales use cases: live prices, buying in the room, the host's commission in the ledger,
the tip balance, tips and the tipper's declaration.

Lock order: a viewer's buy takes (LivePriceBuyer row → orders → the live price's pool row); a
payment takes (payment → order → host commissions); a tip takes only the tipper's TipBalance row;
a top-up's capture takes (payment → top-up → TipBalance). Broadcasts to the room (which lock the
room row to number the event) are sent after commit, so no money transaction waits on a busy room.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from quanzi.catalog.selectors import pool_units, skus_for_purchase
from quanzi.catalog.services import pool_release, pool_set_aside
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.ledger.services import Entry, Post, ledger_post, ledger_post_many
from quanzi.live import selectors as live
from quanzi.livesales import accounts as acct
from quanzi.livesales import rules
from quanzi.livesales.models import (
    Gift,
    HostCommission,
    HostCommissionStatus,
    LivePrice,
    LivePriceStatus,
    RoomSalesTerms,
    Tip,
    TipBalance,
    TipperDeclaration,
    TopUp,
    TopUpStatus,
)
from quanzi.livesales.pricing import SOURCE as LIVE_SOURCE
from quanzi.livesales.states import HOST_COMMISSION, LIVE_PRICE, TOPUP
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.selectors import order_lines_by_id, order_lines_of, orders_by_id
from quanzi.orders.services import CheckoutItem
from quanzi.payments.services import payment_create
from quanzi.settlement import accounts as macct

MIN_DURATION = 60
MAX_DURATION = 24 * 3600
MAX_PER_USER = 99
MAX_GIFTS_PER_TIP = 99
TOPUP_PURPOSE = "tip_topup"


def conf(name: str, default: int) -> int:
    return int(settings.QUANZI.get(name, default))


def daily_tip_limit() -> int:
    return conf("LIVE_TIP_DAILY_LIMIT", 100_000)


def tip_host_share_bps() -> int:
    return conf("LIVE_TIP_HOST_SHARE_BPS", 5000)


def _int(value, field: str, *, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(_("%(f)s must be a whole number from %(a)d to %(b)d.") % {"f": field, "a": low, "b": high},
                               code=code, fields={field: f"{low}..{high}"})
    return value


def _after_commit_broadcast(room_id: int, kind: str, data: dict) -> None:
    def send():
        from quanzi.live.realtime import broadcast

        broadcast(room_id, kind, data)

    transaction.on_commit(send)


def room_by_number(*, number: str):
    """The live room with this number (NotFound, 404, otherwise)."""
    return live.room_by_number(number=str(number)[:10])


def _room_for_host(user, number: str):
    return live.room_for_host(user=user, number=number)


def _active_sku(sku_id):
    """The SKU (with its product) if it exists and is on sale, else None."""
    if isinstance(sku_id, bool) or not isinstance(sku_id, int):
        return None
    sku = skus_for_purchase(sku_ids=[sku_id]).get(sku_id)
    return sku if sku is not None and sku.is_active else None


# ---------------------------------------------------------------- live prices (host)

def live_price_data(lp: LivePrice, *, stock: int | None = None) -> dict:
    return {"id": lp.pk, "sku_id": lp.sku_id, "product_id": lp.sku.product_id, "price": lp.price,
            "stock": lp.stock if stock is None else stock, "per_user_limit": lp.per_user_limit,
            "ends_at": lp.ends_at.isoformat()}


@transaction.atomic
def live_price_start(*, user, room_number: str, sku_id: int, price: int, stock: int, per_user_limit: int = 1,
                     duration_seconds: int = 600) -> LivePrice:
    """The host starts a live-only price for one SKU on the room's shelf: `stock` units move from the
    SKU into the pool `live:<id>` now, and go back when the price ends (`live_price_end`)."""
    room = _room_for_host(user, room_number)
    if not room.is_live:
        raise Conflict(_("Start the live first."), code="room_not_live")
    _int(duration_seconds, "duration_seconds", low=MIN_DURATION, high=MAX_DURATION, code="invalid_duration")
    _int(per_user_limit, "per_user_limit", low=1, high=MAX_PER_USER, code="invalid_per_user_limit")
    _int(stock, "stock", low=1, high=10**6, code="invalid_stock")
    sku = _active_sku(sku_id)
    if sku is None or not live.on_shelf(room_id=room.pk, product_id=sku.product_id):
        raise ValidationFailed(_("Put the product on the room's shelf first."), code="sku_not_on_shelf",
                               fields={"sku_id": "not on the shelf"})
    if room.shop_id and sku.product.shop_id != room.shop_id:
        raise ValidationFailed(_("A shop's room sells the shop's own products."), code="sku_not_on_shelf",
                               fields={"sku_id": "another shop"})
    if isinstance(price, bool) or not isinstance(price, int) or not 0 < price < sku.price:
        raise ValidationFailed(_("The live price must be above zero and below the list price."),
                               code="invalid_live_price", fields={"price": f"1..{sku.price - 1}"})
    if stock > sku.stock:
        raise BusinessRuleViolation(_("Only %(n)d in stock to set aside.") % {"n": sku.stock}, code="out_of_stock",
                                    fields={"stock": f"max {sku.stock}"})
    if LivePrice.objects.filter(room=room, sku=sku, status=LivePriceStatus.ACTIVE).exists():
        raise Conflict(_("This SKU already has a live price on; end it first."), code="live_price_exists")
    now = clock.now()
    lp = LivePrice.objects.create(room=room, sku=sku, price=price, stock=stock, per_user_limit=per_user_limit,
                                  starts_at=now, ends_at=now + dt.timedelta(seconds=duration_seconds),
                                  created_by=user, created_at=now)
    pool_set_aside(pool=lp.stock_pool, sku_id=sku.pk, quantity=stock)
    _after_commit_broadcast(room.pk, "live_price", live_price_data(lp))
    return lp


@transaction.atomic
def live_price_end(*, live_price_id: int, user=None) -> LivePrice:
    """End a live price (the host early, the sweep at `ends_at`, or the room ending): what is left in
    its pool returns to the SKU. Idempotent: an ended price is returned unchanged."""
    lp = LivePrice.objects.select_for_update(of=("self",)).select_related("room", "sku__product") \
        .filter(pk=live_price_id).first()
    if lp is None:
        raise NotFound(_("Live price not found."), code="live_price_not_found")
    if user is not None:
        _room_for_host(user, lp.room.number)  # another host's price → 404
    if lp.status == LivePriceStatus.ENDED:
        return lp
    LIVE_PRICE.check(lp.status, LivePriceStatus.ENDED)
    fields = lp.mark_ended(clock.now())
    lp.returned += pool_release(pool=lp.stock_pool)
    lp.save(update_fields=[*fields, "returned"])
    _after_commit_broadcast(lp.room_id, "live_price_ended", {"sku_id": lp.sku_id, "id": lp.pk})
    return lp


def live_prices_end_for_room(*, room_id: int) -> int:
    ids = list(LivePrice.objects.filter(room_id=room_id, status=LivePriceStatus.ACTIVE).values_list("pk", flat=True))
    for pk in ids:
        live_price_end(live_price_id=pk)
    return len(ids)


@transaction.atomic
def live_price_return_late_units(*, live_price_id: int) -> int:
    """Units an unpaid cancel or a refund brought back into an ended price's pool go back to the SKU."""
    lp = LivePrice.objects.select_for_update().filter(pk=live_price_id, status=LivePriceStatus.ENDED).first()
    if lp is None:
        return 0
    moved = pool_release(pool=lp.stock_pool)
    if moved:
        LivePrice.objects.filter(pk=lp.pk).update(returned=lp.returned + moved)
    return moved


def pool_left(*, live_price: LivePrice) -> int:
    """Units still in the live price's pool."""
    return pool_units(pools=[live_price.stock_pool])[live_price.stock_pool]


# ---------------------------------------------------------------- buying in the room (viewer)

def _active_price(room, sku_id: int) -> LivePrice | None:
    return LivePrice.objects.filter(LivePrice.running_q(), room=room, sku_id=sku_id).first()


@transaction.atomic
def live_buy(*, user, room_number: str, sku_id: int, quantity: int, address_id: int,
             live_price_id: int | None = None) -> tuple:
    """Buy a shelf item without leaving the room: at its live price when one is on (or the one the
    viewer saw: `live_price_id`, refused with `live_price_ended` once it is over), else at the list price.
    The order carries the room and the host as attribution. Returns (order, payment)."""
    room = room_by_number(number=room_number)
    if not room.is_live:
        raise Conflict(_("This live has ended."), code="room_not_live")
    if isinstance(sku_id, bool) or not isinstance(sku_id, int):
        raise ValidationFailed(_("Choose an option."), code="sku_not_found", fields={"sku_id": "required"})
    sku = skus_for_purchase(sku_ids=[sku_id]).get(sku_id)
    if sku is None or not live.on_shelf(room_id=room.pk, product_id=sku.product_id):
        raise NotFound(_("This item is not on the room's shelf."), code="sku_not_on_shelf", fields={"sku_id": "unknown"})
    if live_price_id is not None:
        if not LivePrice.objects.filter(pk=live_price_id, room=room, sku_id=sku_id).exists():
            raise ValidationFailed(_("This live price does not exist."), code="live_price_not_found",
                                   fields={"live_price_id": str(live_price_id)[:20]})
        item = CheckoutItem(sku_id, quantity, LIVE_SOURCE, str(live_price_id))
    else:
        lp = _active_price(room, sku_id)
        item = CheckoutItem(sku_id, quantity, LIVE_SOURCE, str(lp.pk)) if lp else CheckoutItem(sku_id, quantity)
    orders, payment = checkout_and_pay(user=user, items=[item], address_id=address_id, clear_cart=False,
                                       context={"live_room": room.number})
    if item.price_source == LIVE_SOURCE:
        lp = LivePrice.objects.select_related("sku").get(pk=int(item.price_ref))
        _after_commit_broadcast(room.pk, "live_price", live_price_data(lp, stock=pool_left(live_price=lp)))
    return orders[0], payment


# ---------------------------------------------------------------- attribution and host commission

def attribution(*, user, sku, context: dict) -> dict:
    """The checkout's attribution provider: a line bought from a room's shelf names the room and host."""
    number = (context or {}).get("live_room")
    if not number:
        return {}
    try:
        room = room_by_number(number=number)
    except NotFound:
        return {}
    if not live.on_shelf(room_id=room.pk, product_id=sku.product_id):
        return {}
    return {"live": {"room": room.number, "room_id": room.pk, "host_id": room.host_id}}


def commission_rate_bps(room_id: int) -> int:
    bps = RoomSalesTerms.objects.filter(room_id=room_id).values_list("host_commission_bps", flat=True).first()
    return conf("LIVE_HOST_COMMISSION_BPS", 1000) if bps is None else bps


def live_lines(*, order_id: int) -> list:
    """The order's lines attributed to a live room (one query)."""
    return [ln for ln in order_lines_of(order_ids=[order_id]) if isinstance((ln.attribution or {}).get("live"), dict)]


@transaction.atomic
def host_commission_accrue_order(*, order_id: int) -> list[HostCommission]:
    """`order.paid`: one HostCommission per attributed line; the amount moves from the merchant's pending
    money to the host's earnings_pending. Idempotent (per line, and per ledger key). The shop's owner
    hosting their own room earns nothing from their own shop."""
    order = orders_by_id(order_ids=[order_id], paid_only=True).get(order_id)
    if order is None:
        return []
    lines = live_lines(order_id=order_id)
    if not lines:
        return []
    done = set(HostCommission.objects.filter(order_id=order_id).values_list("order_line_id", flat=True))
    rooms = live.rooms_by_id(room_ids={ln.attribution["live"].get("room_id") for ln in lines})
    rows = []
    for line in lines:
        room = rooms.get(line.attribution["live"].get("room_id"))
        if line.pk in done or room is None or room.host_id == order.shop.owner_id or room.host_id == order.user_id:
            continue
        rate = commission_rate_bps(room.pk)
        amount = rules.host_commission(line.line_total, rate)
        if amount > 0:
            rows.append(HostCommission(order_line=line, order=order, room=room, host_id=room.host_id,
                                       shop_id=order.shop_id, base=line.line_total, rate_bps=rate, amount=amount,
                                       created_at=order.paid_at))
    for c in rows:
        c.save()
    ledger_post_many(posts=[Post(key=f"live-commission-accrue:{c.order_line_id}", kind="live.commission.accrue",
                                 ref_type="host_commission", ref_id=c.pk,
                                 entries=[Entry(macct.merchant_pending(c.shop_id), c.amount),
                                          Entry(acct.earnings_pending(c.host_id), -c.amount)]) for c in rows])
    return rows


@transaction.atomic
def host_commission_reverse(*, order_id: int, line_id: int | None, key: str) -> int:
    """`order.refunded`: shrink the host's commission in proportion to what was refunded of the line (or
    every line, for a full refund); only the difference is posted. Returns the fen taken back."""
    rows = list(HostCommission.objects.select_for_update().filter(order_id=order_id).order_by("id"))
    if line_id is not None:
        rows = [c for c in rows if c.order_line_id == line_id]
    if not rows:
        return 0
    order = orders_by_id(order_ids=[order_id])[order_id]
    lines = order_lines_by_id(line_ids=[c.order_line_id for c in rows])
    taken = 0
    for c in rows:
        line = lines[c.order_line_id]
        target = rules.reversal_target(amount=c.amount, line_total=line.line_total,
                                       refunded_amount=line.refunded_amount)
        delta = target - c.reversed
        if delta <= 0:
            continue
        if c.status == HostCommissionStatus.AVAILABLE:
            source, merchant = acct.wallet_available(c.host_id), macct.merchant_available(order.shop_id)
        else:
            source = acct.earnings_pending(c.host_id)
            merchant = (macct.merchant_available if order.settled_at else macct.merchant_pending)(order.shop_id)
        ledger_post(key=f"live-commission-reverse:{c.pk}:{key}", kind="live.commission.reverse",
                    ref_type="host_commission", ref_id=c.pk, entries=[Entry(source, delta), Entry(merchant, -delta)])
        c.reversed = target
        fields = ["reversed"]
        if c.reversed >= c.amount:
            HOST_COMMISSION.check(c.status, HostCommissionStatus.REVERSED)
            c.status = HostCommissionStatus.REVERSED
            fields.append("status")
        c.save(update_fields=fields)
        taken += delta
    return taken


@transaction.atomic(savepoint=False)  # called inside the settlement's transaction: no savepoint round trips
def host_commission_release(*, order_ids) -> int:
    """`order.settled` / `orders.settled`: pending commissions of settled orders become withdrawable."""
    rows = list(HostCommission.objects.select_for_update().filter(order_id__in=set(order_ids),
                                                                  status=HostCommissionStatus.PENDING).order_by("id"))
    if not rows:
        return 0
    for c in rows:
        HOST_COMMISSION.check(c.status, HostCommissionStatus.AVAILABLE)
    ledger_post_many(posts=[Post(key=f"live-commission-release:{c.pk}", kind="live.commission.release",
                                 ref_type="host_commission", ref_id=c.pk,
                                 entries=[Entry(acct.earnings_pending(c.host_id), c.kept),
                                          Entry(acct.wallet_available(c.host_id), -c.kept)]) for c in rows if c.kept])
    HostCommission.objects.filter(pk__in=[c.pk for c in rows]).update(status=HostCommissionStatus.AVAILABLE,
                                                                       released_at=clock.now())
    return len(rows)


def settlement_deduction(order) -> int:
    return settlement_deductions([order]).get(order.pk, 0)


def settlement_deductions(orders) -> dict[int, int]:
    """What host commission took out of each order's pending merchant money (net of reversals)."""
    from django.db.models import F

    rows = HostCommission.objects.filter(order_id__in=[o.pk for o in orders]).values("order_id") \
        .annotate(s=Sum(F("amount") - F("reversed"))).values_list("order_id", "s")
    return {order_id: int(s or 0) for order_id, s in rows}


@transaction.atomic
def terms_set(*, room_id: int, host_commission_bps: int) -> RoomSalesTerms:
    """The operator sets a room's host commission (0 … 30 %)."""
    _int(host_commission_bps, "host_commission_bps", low=0, high=rules.MAX_HOST_COMMISSION_BPS,
         code="rate_out_of_range")
    terms, _created = RoomSalesTerms.objects.update_or_create(
        room_id=room_id, defaults={"host_commission_bps": host_commission_bps, "updated_at": clock.now()})
    return terms


# ---------------------------------------------------------------- declaration, balance, top-up

@transaction.atomic
def declaration_submit(*, user, real_name: str, birth_date) -> TipperDeclaration:
    """The real-name declaration with a date of birth that tipping and top-ups require. Made once."""
    name = str(real_name or "").strip()
    if not 2 <= len(name) <= 40:
        raise ValidationFailed(_("Enter your real name."), code="invalid_real_name", fields={"real_name": "2..40"})
    today = clock.now().astimezone(rules.SHANGHAI).date()
    if not isinstance(birth_date, dt.date) or birth_date > today or rules.age_on(birth_date, today) > 120:
        raise ValidationFailed(_("Enter a valid date of birth."), code="invalid_birth_date",
                               fields={"birth_date": "invalid"})
    if TipperDeclaration.objects.select_for_update().filter(user=user).exists():
        raise Conflict(_("You have already made your declaration."), code="declaration_exists")
    return TipperDeclaration.objects.create(user=user, real_name=name, birth_date=birth_date,
                                            declared_at=clock.now())


def check_adult(user) -> None:
    """Tipping and top-ups need a declaration of 18 or over (and no account birth date saying otherwise)."""
    today = clock.now().astimezone(rules.SHANGHAI).date()
    declaration = TipperDeclaration.objects.filter(user=user).first()
    if declaration is None:
        raise BusinessRuleViolation(_("Confirm your real name and date of birth before tipping."),
                                    code="declaration_required")
    ages = [rules.age_on(declaration.birth_date, today)]
    if getattr(user, "birth_date", None):
        ages.append(rules.age_on(user.birth_date, today))
    if min(ages) < rules.ADULT_AGE:
        raise Forbidden(_("Minors cannot send tips or top up a tip balance."), code="minor_cannot_tip")


def _lock_balance(user) -> TipBalance:
    TipBalance.objects.get_or_create(user=user)
    return TipBalance.objects.select_for_update().get(user=user)


@transaction.atomic
def topup_start(*, user, amount: int):
    """Open a payment (purpose `tip_topup`) that credits the tip balance when captured. Returns
    (top-up, payment)."""
    _int(amount, "amount", low=conf("LIVE_TOPUP_MIN", 100), high=conf("LIVE_TOPUP_MAX", 100_000),
         code="invalid_amount")
    check_adult(user)
    topup = TopUp.objects.create(user=user, amount=amount, created_at=clock.now())
    payment = payment_create(user=user, purpose=TOPUP_PURPOSE, items=[{"ref": topup.number, "amount": amount}],
                             subject=_("Tip balance top-up"))
    topup.payment_number = payment.number
    topup.save(update_fields=["payment_number"])
    return topup, payment


@transaction.atomic
def topup_credit(*, topup_number: str, payment_number: str, amount: int) -> bool:
    """`payment.captured` for a top-up: credit the balance exactly once (clearing → tip balance). A late
    capture of a closed payment is still credited: the money arrived. Returns whether it credited now."""
    topup = TopUp.objects.select_for_update().filter(number=topup_number, payment_number=payment_number).first()
    if topup is None or topup.status == TopUpStatus.PAID or topup.amount != amount:
        return False
    balance = _lock_balance(topup.user)
    now = clock.now()
    TOPUP.check(topup.status, TopUpStatus.PAID)
    topup.status, topup.paid_at = TopUpStatus.PAID, now
    topup.save(update_fields=["status", "paid_at"])
    ledger_post(key=f"tip-topup:{topup.number}", kind="live.tip.topup", ref_type="topup", ref_id=topup.number,
                entries=[Entry(acct.CLEARING, amount), Entry(acct.tip_balance(topup.user_id), -amount)])
    balance.balance += amount
    balance.updated_at = now
    balance.save(update_fields=["balance", "updated_at"])
    return True


def tipped_today(user_id: int, now: dt.datetime | None = None) -> int:
    since = rules.day_start(now or clock.now())
    return Tip.objects.filter(tipper_id=user_id, created_at__gte=since).aggregate(s=Sum("amount"))["s"] or 0


# ---------------------------------------------------------------- tips

@transaction.atomic
def tip_send(*, user, room_number: str, gift_id: int, count: int = 1) -> Tip:
    """Send `count` gifts in a live room: ONE balanced ledger transaction moves the amount from the
    tipper's balance to the host's wallet and the platform's tip revenue (rules.split_tip). The tipper's
    balance row is locked first, so the balance check and the daily limit are exact under concurrency."""
    room = room_by_number(number=room_number)
    if not room.is_live:
        raise Conflict(_("This live has ended."), code="room_not_live")
    if room.host_id == user.pk:
        raise BusinessRuleViolation(_("You cannot tip your own room."), code="cannot_tip_self")
    _int(count, "count", low=1, high=MAX_GIFTS_PER_TIP, code="invalid_count")
    gift = Gift.objects.filter(pk=gift_id, is_active=True).first() \
        if isinstance(gift_id, int) and not isinstance(gift_id, bool) else None
    if gift is None:
        raise NotFound(_("Gift not found."), code="gift_not_found", fields={"gift_id": "unknown"})
    check_adult(user)
    amount = gift.price * count
    balance = _lock_balance(user)
    now = clock.now()
    limit = daily_tip_limit()
    today = tipped_today(user.pk, now)
    if today + amount > limit:
        raise BusinessRuleViolation(_("Daily tip limit reached: you can still tip ¥%(y)s today.")
                                    % {"y": f"{max(limit - today, 0) / 100:.2f}"}, code="tip_daily_limit",
                                    fields={"amount": f"max {max(limit - today, 0)}"})
    if balance.balance < amount:
        raise BusinessRuleViolation(_("Not enough tip balance: top up first."), code="insufficient_balance",
                                    fields={"amount": f"balance {balance.balance}"})
    split = rules.split_tip(amount, tip_host_share_bps())
    tip = Tip.objects.create(room=room, tipper=user, host_id=room.host_id, gift=gift, count=count, amount=amount,
                             host_share=split.host, platform_share=split.platform, created_at=now)
    ledger_post(key=f"tip:{tip.pk}", kind="live.tip", ref_type="tip", ref_id=tip.pk,
                entries=[Entry(acct.tip_balance(user.pk), amount), Entry(acct.wallet_available(room.host_id), -split.host),
                         Entry(acct.TIP_REVENUE, -split.platform)])
    balance.balance -= amount
    balance.updated_at = now
    balance.save(update_fields=["balance", "updated_at"])
    _after_commit_broadcast(room.pk, "tip", {"nickname": user.display_name, "gift": gift.name, "icon": gift.icon,
                                             "count": count, "amount": amount})
    transaction.on_commit(lambda: _broadcast_leaderboard(room.pk))
    return tip


def _broadcast_leaderboard(room_id: int) -> None:
    from quanzi.live.realtime import broadcast
    from quanzi.livesales.selectors import leaderboard

    broadcast(room_id, "leaderboard", {"top": [{"nickname": r["nickname"], "amount": r["amount"]}
                                               for r in leaderboard(room_id=room_id, limit=10)]})


def gift_list() -> list[Gift]:
    return list(Gift.objects.filter(is_active=True))
