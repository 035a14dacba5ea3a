from django import template

from quanzi.core import clock
from quanzi.groupbuy import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def product_group_block(context, product) -> dict:
    """For the product page: the running campaign (if any) and open groups the visitor can join."""
    product_id = getattr(product, "pk", None) or (product.get("pk") if isinstance(product, dict) else None)
    if not product_id:
        return {}
    request = context.get("request")
    user = getattr(request, "user", None)
    campaign = selectors.running_campaign_for_product(product_id=product_id)
    if campaign is None:  # the common case costs one query: no campaign, no groups to show
        return {}
    groups = selectors.open_groups_for_product(product_id=product_id, exclude_user=user)
    now = clock.now()
    return {"campaign": campaign, "skus": list(campaign.skus.all()) if campaign else [],
            "groups": [{"g": g, "seconds_left": max(0, int((g.deadline - now).total_seconds()))} for g in groups]}


@register.filter
def countdown(seconds) -> str:
    """12345 → "03:25:45"."""
    try:
        seconds = max(0, int(seconds))
    except (TypeError, ValueError):
        return "00:00:00"
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
