"""Context of the two partials livesales owns inside live's pages (the room panel, the console panel).

The live app includes them with only `room` (and `request`) in the context, so the partials load what
they show here: a handful of queries, whatever the shelf size."""

from __future__ import annotations

from django import template

from quanzi.catalog.selectors import active_skus_of_products
from quanzi.live.selectors import shelf

register = template.Library()


def _shelf(room) -> list:
    """The room's shelf items, each product carrying its active SKUs as `live_skus` (two queries)."""
    items = shelf(room=room)
    skus = active_skus_of_products(product_ids=[item.product_id for item in items])
    for item in items:
        item.product.live_skus = skus[item.product_id]
    return items


@register.simple_tag(takes_context=True)
def livesales_room_panel(context, room) -> dict:
    from quanzi.livesales import selectors

    request = context.get("request")
    user = getattr(request, "user", None)
    prices = selectors.active_prices(room_id=room.pk)
    by_sku = {p.sku_id: p for p in prices}
    shelf = []
    for item in _shelf(room):
        skus = [{"sku": s, "live": by_sku.get(s.pk)} for s in item.product.live_skus]
        lives = [row["live"] for row in skus if row["live"]]
        shelf.append({"item": item, "product": item.product, "skus": skus,
                      "live": min(lives, key=lambda p: p.price) if lives else None,
                      "single": skus[0] if len(skus) == 1 else None})
    pinned = next((row for row in shelf if row["item"].pk == room.pinned_id), None)
    out = {"prices": prices, "shelf": shelf, "pinned": pinned, "gifts": selectors.gifts(),
           "board": selectors.leaderboard(room_id=room.pk), "account": None, "address": None, "counts": [1, 5, 10, 66, 99],
           "signed_in": bool(user and user.is_authenticated), "is_host": bool(user and user.pk == room.host_id)}
    if out["signed_in"]:
        from quanzi.accounts.selectors import address_default

        out["account"] = selectors.tip_account(user=user)
        out["address"] = address_default(user=user)
    return out


@register.simple_tag(takes_context=True)
def livesales_console_panel(context, room) -> dict:
    from quanzi.livesales import selectors
    from quanzi.livesales.services import commission_rate_bps

    shelf = _shelf(room)
    return {"skus": [(item.product, s) for item in shelf for s in item.product.live_skus],
            "active": selectors.active_prices(room_id=room.pk), "prices": selectors.room_prices(room_id=room.pk),
            "sales": selectors.room_sales(room=room), "rate_bps": commission_rate_bps(room.pk)}


@register.filter
def bps_percent(bps) -> str:
    bps = int(bps or 0)
    return f"{bps // 100}.{bps % 100:02d}%"
