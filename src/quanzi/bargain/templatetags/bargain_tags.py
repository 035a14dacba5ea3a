from django import template

from quanzi.bargain import selectors

register = template.Library()


@register.simple_tag
def product_bargain_block(product) -> dict:
    """For the product page: the product's running bargain campaign, if any (one query)."""
    product_id = getattr(product, "pk", None) or (product.get("pk") if isinstance(product, dict) else None)
    if not product_id:
        return {}
    campaign = selectors.running_campaign_for_product(product_id=product_id)
    return {"campaign": campaign} if campaign is not None else {}
