"""Read side of the friends' purchases circle (拼小圈). Keyword arguments only: the feed merges
`visible_purchases` into the following feed, pages and templates read the rest. The graph comes
from social's selectors, order statuses from the orders app's public filter."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from quanzi.circle.models import CirclePurchase, CircleSettings
from quanzi.core.http import cursor_page
from quanzi.orders.constants import OrderStatus
from quanzi.orders.selectors import order_status_q
from quanzi.social.selectors import friend_ids, users_by_ids

# A purchase whose order was cancelled or fully refunded is not shown.
HIDDEN_ORDER_STATUSES = (OrderStatus.CANCELLED, OrderStatus.CLOSED)


def settings_for(*, user) -> CircleSettings:
    return CircleSettings.objects.filter(user_id=user.pk).first() or CircleSettings(user=user)


def _not_withdrawn(qs: QuerySet[CirclePurchase]) -> QuerySet[CirclePurchase]:
    return qs.exclude(order_status_q(statuses=HIDDEN_ORDER_STATUSES, prefix="order"))


def _visible_to(viewer_id: int | None, friends: set[int] | None = None) -> QuerySet[CirclePurchase]:
    """Purchases the viewer may see: by friends (mutual follows, no block), shared, not hidden.
    `friends` lets a caller that already computed the viewer's friend ids skip that query."""
    ids = friends if friends is not None else (friend_ids(user_id=viewer_id) if viewer_id else set())
    return _not_withdrawn(CirclePurchase.objects.filter(user_id__in=ids, hidden=False)
                          .exclude(user__circle_settings__share_purchases=False))


def visible_purchases(*, viewer_id: int, friends: set[int] | None = None) -> QuerySet[CirclePurchase]:
    """The queryset of purchases `viewer_id` may see (for the following feed, which pages it)."""
    return _visible_to(viewer_id, friends)


def friends_purchases(*, viewer, cursor: str | None = None,
                      limit: int = 20) -> tuple[list[CirclePurchase], str | None]:
    qs = _visible_to(viewer.pk).select_related("user", "user__social_profile", "product", "order_line")
    return cursor_page(qs, cursor=cursor, limit=limit)


def friends_who_bought(*, viewer, product_id: int, limit: int = 3) -> dict:
    """{"count": distinct friends who bought it, "users": up to `limit` of them (latest first)}."""
    if not viewer or not getattr(viewer, "pk", None):
        return {"count": 0, "users": []}
    qs = _visible_to(viewer.pk).filter(product_id=product_id)
    user_ids = list(dict.fromkeys(qs.order_by("-id").values_list("user_id", flat=True)))
    users = users_by_ids(user_ids=user_ids[:limit])
    return {"count": len(user_ids), "users": [users[i] for i in user_ids[:limit] if i in users]}


def friends_bought_counts(*, viewer_id: int, product_ids, friends: set[int] | None = None) -> dict[int, int]:
    """{product id: how many friends bought it} for these products, by the circle's rules (friends who
    share their purchases, not hidden, not withdrawn) — social proof on recommendations (one query)."""
    ids = list(product_ids)
    if not ids or not viewer_id:
        return {}
    rows = (_visible_to(viewer_id, friends).filter(product_id__in=ids).values("product_id")
            .annotate(n=Count("user_id", distinct=True)).order_by())
    return {row["product_id"]: row["n"] for row in rows}


def products_friends_bought(*, viewer_id: int, friends: set[int] | None = None, limit: int = 50) -> list[int]:
    """Products the viewer's friends bought lately, most recent first, each once (one query)."""
    if not viewer_id:
        return []
    recent = _visible_to(viewer_id, friends).order_by("-id").values_list("product_id", flat=True)[: limit * 3]
    return list(dict.fromkeys(recent))[:limit]


def my_purchases(*, user, cursor: str | None = None, limit: int = 20):
    qs = CirclePurchase.objects.filter(user_id=user.pk).select_related("product", "order", "order_line")
    return cursor_page(qs, cursor=cursor, limit=limit)


def purchases_on_profile(*, viewer, owner_id: int, limit: int = 6) -> list[CirclePurchase]:
    """What a profile shows under "Bought": the owner sees their own shared purchases; a friend sees
    what the circle shows them; anyone else sees nothing (the privacy default)."""
    viewer_id = getattr(viewer, "pk", None)
    if not viewer_id:
        return []
    if viewer_id == owner_id:
        qs = _not_withdrawn(CirclePurchase.objects.filter(user_id=owner_id, hidden=False))
    else:
        qs = _visible_to(viewer_id).filter(user_id=owner_id)
    return list(qs.select_related("product").order_by("-id")[:limit])


def order_hidden_state(*, user, order) -> bool | None:
    """For the owner's order page: True/False whether the order is hidden from the circle; None when
    it has no circle rows (or the order is not the user's)."""
    if not getattr(user, "is_authenticated", False) or order.user_id != user.pk:
        return None
    flags = set(CirclePurchase.objects.filter(order_id=order.pk).values_list("hidden", flat=True))
    if not flags:
        return None
    return all(flags)
