"""The checkout page's coupon picker (slot `checkout.offers`) and the shopper's choice in the checkout context.

The picker lists every coupon of the shopper: the ones checkout applied, the others that would apply, and the
ones that cannot, each with its reason. Ticking coupons and pressing “Apply” re-prices the page (GET, the
storefront's `checkout-refresh` form); the order form carries the choice that was shown (`coupons=<ids>|none`),
so what is placed is what the shopper saw — or a clear error, if a coupon went meanwhile.
"""

from __future__ import annotations

from quanzi.coupons.pricing import CHOICE, checkout_options


def chosen_coupons(request) -> dict:
    """The checkout context's `coupons` from the page: the order form's field, or the picker's ticks."""
    source = request.POST if request.method == "POST" else request.GET
    if CHOICE in source:
        return {CHOICE: str(source.get(CHOICE))[:200]}
    if source.get("coupons_chosen"):
        return {CHOICE: ",".join(v[:20] for v in source.getlist("coupon")[:20]) or "none"}
    return {}


def offers_context(context) -> dict:
    quote, request = context.get("quote"), context.get("request")
    if quote is None or request is None or not request.user.is_authenticated:
        return {"cp_rows": []}
    options = checkout_options(user=request.user, quote=quote, context=chosen_coupons(request))
    return {"cp_rows": options["rows"], "cp_saving": options["saving"],
            "cp_value": ",".join(str(i) for i in options["applied_ids"]) or "none",
            "cp_usable": sum(1 for r in options["rows"] if r["applicable"])}


def register() -> None:
    from quanzi.web.page_hooks import checkout_context_providers
    from quanzi.web.slots import SlotEntry, slots

    checkout_context_providers.register(chosen_coupons, key="coupons.choice")
    slots.register(SlotEntry(slot="checkout.offers", key="coupons", template="coupons/partials/checkout_offers.html",
                             context=offers_context, stylesheets=("coupons/css/checkout.css",), order=10))
