"""Reads of live-room sales shared by the pages, the API and live's stats page."""

from __future__ import annotations

from django.db.models import Count, Sum

from quanzi.accounts.selectors import users_by_id
from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.livesales import rules
from quanzi.livesales.models import (
    Gift,
    LivePrice,
    Tip,
    TipBalance,
    TipperDeclaration,
    TopUp,
)
from quanzi.orders.selectors import attributed_sales


def active_prices(*, room_id: int) -> list[LivePrice]:
    """Live prices on now in the room, with what is left in each pool (two queries)."""
    now = clock.now()
    prices = list(LivePrice.objects.select_related("room", "sku__product").filter(
        LivePrice.running_q(now), room_id=room_id).order_by("ends_at"))
    if prices:
        left = pool_units(pools=[p.stock_pool for p in prices])
        for p in prices:
            p.left = left[p.stock_pool]
            p.seconds_left = max(0, int((p.ends_at - now).total_seconds()))
    return prices


def room_prices(*, room_id: int, limit: int = 50) -> list[LivePrice]:
    """Every live price of the room, newest first (host console)."""
    return list(LivePrice.objects.select_related("room", "sku__product").filter(room_id=room_id)[:limit])


def leaderboard(*, room_id: int, limit: int = 10) -> list[dict]:
    """The room's top tippers by amount (ties: who reached it first), one query."""
    rows = (Tip.objects.filter(room_id=room_id).values("tipper_id")
            .annotate(amount=Sum("amount"), gifts=Sum("count"))
            .order_by("-amount", "tipper_id")[:limit])
    rows = list(rows)
    users = users_by_id(user_ids=[r["tipper_id"] for r in rows])
    return [{"rank": i + 1, "user_id": r["tipper_id"], "nickname": users[r["tipper_id"]].display_name,
             "amount": r["amount"], "gifts": r["gifts"]} for i, r in enumerate(rows)]


def gifts() -> list[Gift]:
    return list(Gift.objects.filter(is_active=True))


def tip_account(*, user) -> dict:
    """The viewer's tip balance, declaration and today's room under the daily limit."""
    from quanzi.livesales.services import daily_tip_limit, tipped_today

    balance = TipBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0
    declaration = TipperDeclaration.objects.filter(user=user).first()
    today_date = clock.now().astimezone(rules.SHANGHAI).date()
    adult = declaration is not None and rules.age_on(declaration.birth_date, today_date) >= rules.ADULT_AGE
    if adult and getattr(user, "birth_date", None):
        adult = rules.age_on(user.birth_date, today_date) >= rules.ADULT_AGE
    limit, today = daily_tip_limit(), tipped_today(user.pk)
    return {"balance": balance, "declared": declaration is not None, "adult": adult, "declaration": declaration,
            "daily_limit": limit, "tipped_today": today, "remaining_today": max(limit - today, 0)}


def my_topups(*, user, limit: int = 20) -> list[TopUp]:
    return list(TopUp.objects.filter(user=user)[:limit])


def my_tips(*, user, limit: int = 20) -> list[Tip]:
    return list(Tip.objects.select_related("gift", "room").filter(tipper=user)[:limit])


def room_sales(*, room) -> dict:
    """The sales side of the room's analytics: paid orders attributed to it, GMV (what buyers kept
    after refunds), units, tips, and the viewer → buyer conversion (signed-in viewers who bought)."""
    sold = attributed_sales(source="live", field="room", value=room.number)
    buyers = sold["buyer_ids"]
    tips = Tip.objects.filter(room_id=room.pk).aggregate(amount=Sum("amount"), host=Sum("host_share"),
                                                         tippers=Count("tipper_id", distinct=True))
    viewers = _viewers(room)
    converted = len(buyers & viewers)
    return {"orders": sold["orders"], "gmv": sold["gmv"], "units": sold["units"],
            "buyers": len(buyers), "tips": tips["amount"] or 0, "tips_host": tips["host"] or 0,
            "tippers": tips["tippers"] or 0, "viewers": len(viewers), "converted": converted,
            "conversion_bps": (converted * 10_000 // len(viewers)) if viewers else 0}


def _viewers(room) -> set[int]:
    try:
        from quanzi.live.selectors import room_viewer_user_ids
    except ImportError:  # the live app's selector is not there yet
        return set()
    return set(room_viewer_user_ids(room=room))
