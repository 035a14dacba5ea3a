from django import template

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
    return {"campaign": campaign, "skus": list(campaign.skus.all()), "groups": [{"g": g} for g in groups]}
