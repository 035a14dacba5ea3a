"""What the pages tell analytics by themselves: a product page view (the storefront's product visit hook,
server-side, so it is counted even when the browser blocks scripts) and the beacon script on every page
(page views; `base.scripts` slot)."""

from __future__ import annotations

import uuid

from quanzi.analytics import constants as names
from quanzi.analytics.services import Fact, actor_of_device, actor_of_user, record
from quanzi.core import clock
from quanzi.core.http import client_fingerprint, is_bot_agent


def record_product_view(request, product_id: int) -> None:
    """`web.page_hooks.product_visit_hooks`: one product.view per page view by a person (bots are not
    counted). The shop comes from the product when the rollup needs it — here, one indexed lookup."""
    if is_bot_agent(request.META.get("HTTP_USER_AGENT", "")) or request.method != "GET":
        return
    from quanzi.catalog.selectors import products_by_ids

    product = products_by_ids(product_ids=[product_id]).get(product_id)
    if product is None:
        return
    user = getattr(request, "user", None)
    actor = actor_of_user(user.pk) if user is not None and user.is_authenticated \
        else actor_of_device(client_fingerprint(request)["device"])
    record([Fact(key=f"pv:{uuid.uuid4().hex}", name=names.PRODUCT_VIEW, occurred_at=clock.now(), actor=actor,
                 shop_id=product.shop_id, object_type="product", object_id=product_id)])
