from django import template

from quanzi.circle import selectors

register = template.Library()


@register.simple_tag
def friends_who_bought(user, product_id):
    """{"count", "users"} of the viewer's friends who bought the product (empty for anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return {"count": 0, "users": []}
    return selectors.friends_who_bought(viewer=user, product_id=product_id)


@register.simple_tag
def profile_purchases(viewer, owner):
    """Recent purchases shown on `owner`'s profile to `viewer` (friends only; empty otherwise)."""
    return selectors.purchases_on_profile(viewer=viewer, owner_id=getattr(owner, "pk", owner))


@register.simple_tag
def circle_order_hidden(user, order) -> bool | None:
    """True/False whether the order is hidden from the circle; None when it has no circle rows."""
    return selectors.order_hidden_state(user=user, order=order)
