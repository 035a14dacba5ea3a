"""What a shopper would earn by sharing a product, for the share button ("分享赚 ¥3.90").

Sharing knows links, not money: the apps that pay for shares (commission) register an estimator
`estimate(product, user) -> fen or None` from their `ready()`. The button shows the largest estimate,
or a plain "Share" when nobody pays for this product — never a promise no one keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quanzi.core.registry import Registry

Estimator = Callable[[Any, Any], "int | None"]
share_earnings: Registry[Estimator] = Registry(
    "sharing.earnings", keyed=True, owner=__name__,
    doc="What sharing a product earns the viewer, in fen: `estimate(product, user) -> int | None` (commission).")


def share_earning(*, product, user) -> int:
    """The most any registered programme pays the viewer for one sale of `product` at its lowest price."""
    best = 0
    for estimate in share_earnings:
        best = max(best, int(estimate(product, user) or 0))
    return best


def share_button_context(context) -> dict:
    """The product page's share button: the product and what sharing it earns the viewer."""
    product = context.get("product")
    request = context.get("request")
    user = getattr(request, "user", None)
    earning = share_earning(product=product, user=user) if product is not None else 0
    return {"share_earning": earning}
