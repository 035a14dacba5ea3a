from django import template

from quanzi.core import clock
from quanzi.flashsale import selectors

register = template.Library()


@register.simple_tag
def product_flash_item(product) -> dict | None:
    """For the product page: the product's flash sale running now or starting within a day (one query)."""
    product_id = getattr(product, "pk", None)
    if not product_id:
        return None
    item = selectors.running_item_for_product(product_id=product_id)
    if item is None:
        return None
    return {"item": item, "running": item.sale.starts_at <= clock.now()}
