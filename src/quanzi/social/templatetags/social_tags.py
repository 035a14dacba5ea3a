from django import template

from quanzi.core.images import media_url
from quanzi.social import selectors

register = template.Library()


@register.filter
def avatar_url(user) -> str:
    """URL of the user's avatar thumbnail, or "" (select_related("social_profile") avoids a query)."""
    return media_url(selectors.avatar_of(user=user)) if user else ""


@register.simple_tag
def shop_follow_state(shop, user) -> dict:
    """{"following": bool, "followers": int} for the follow-shop button."""
    uid = user.pk if getattr(user, "is_authenticated", False) else None
    return {"following": selectors.is_following_shop(follower_id=uid, shop_id=shop.pk) if uid else False,
            "followers": selectors.shop_follower_count(shop_id=shop.pk)}
