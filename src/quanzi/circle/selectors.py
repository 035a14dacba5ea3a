from __future__ import annotations

from quanzi.circle.models import CirclePurchase, CircleSettings
from quanzi.core.http import cursor_page
from quanzi.social.selectors import friend_ids

HIDDEN_ORDER_STATUSES = ("cancelled", "closed")


def settings_for(user) -> CircleSettings:
    return CircleSettings.objects.filter(user_id=user.pk).first() or CircleSettings(user=user)


def _visible_to(viewer_id: int, friends: set[int] | None = None):
    """Purchases the viewer may see: by friends (mutual follows, no block), shared, not hidden.
    `friends` lets a caller that already computed the viewer's friend ids skip that query."""
    ids = friends if friends is not None else (friend_ids(viewer_id) if viewer_id else set())
    return (CirclePurchase.objects.filter(user_id__in=ids, hidden=False)
            .exclude(user__circle_settings__share_purchases=False)
            .exclude(order__status__in=HIDDEN_ORDER_STATUSES))


def visible_purchases(viewer_id: int, friends: set[int] | None = None):
    """The queryset of purchases `viewer_id` may see (for the following feed)."""
    return _visible_to(viewer_id, friends)


def friends_purchases(viewer, cursor: str | None = None, limit: int = 20) -> tuple[list[CirclePurchase], str | None]:
    qs = _visible_to(viewer.pk).select_related("user", "user__social_profile", "product", "order_line")
    return cursor_page(qs, cursor=cursor, limit=limit)


def friends_who_bought(viewer, product_id: int, limit: int = 3) -> dict:
    """{"count": distinct friends who bought it, "users": up to `limit` of them (latest first)}."""
    if not viewer or not getattr(viewer, "pk", None):
        return {"count": 0, "users": []}
    from quanzi.accounts.models import User

    qs = _visible_to(viewer.pk).filter(product_id=product_id)
    user_ids = list(dict.fromkeys(qs.order_by("-id").values_list("user_id", flat=True)))
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids[:limit]).select_related("social_profile")}
    return {"count": len(user_ids), "users": [users[i] for i in user_ids[:limit] if i in users]}


def my_purchases(user, cursor: str | None = None, limit: int = 20):
    qs = CirclePurchase.objects.filter(user_id=user.pk).select_related("product", "order", "order_line")
    return cursor_page(qs, cursor=cursor, limit=limit)


def purchases_on_profile(viewer, owner_id: int, limit: int = 6) -> list[CirclePurchase]:
    """What a profile shows under "Bought": the owner sees their own shared purchases; a friend sees
    what the circle shows them; anyone else sees nothing (the privacy default)."""
    viewer_id = getattr(viewer, "pk", None)
    if not viewer_id:
        return []
    if viewer_id == owner_id:
        qs = CirclePurchase.objects.filter(user_id=owner_id, hidden=False).exclude(
            order__status__in=HIDDEN_ORDER_STATUSES)
    else:
        qs = _visible_to(viewer_id).filter(user_id=owner_id)
    return list(qs.select_related("product").order_by("-id")[:limit])
