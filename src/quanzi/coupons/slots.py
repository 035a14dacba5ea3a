"""The coupons' places on other apps' pages (quanzi.web.slots; docs/web-and-slots.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CSS = ("coupons/css/coupons.css",)


def register_page_slots() -> None:
    """Shop and product pages (claim), "Me" menu, console and operator navigation."""
    from quanzi.web.slots import SlotEntry, slots

    slots.register(SlotEntry(slot="shop.header", key="coupons", template="coupons/partials/shop_header.html",
                             context=shop_header_context, stylesheets=CSS, order=30))
    slots.register(SlotEntry(slot="product.buy_box", key="coupons", template="coupons/partials/product_buy_box.html",
                             context=product_coupons_context, stylesheets=CSS, order=8))
    slots.register(SlotEntry(slot="home.entries", key="coupons", label=_("Coupon centre"), url="coupons:centre",
                             icon="🎫", testid="entry-coupons", order=50, extra={"hint": _("Claim and save")}))
    slots.register(SlotEntry(slot="me.menu", key="coupons", label=_("My coupons"), url="coupons:mine",
                             icon="🎟️", testid="my-coupons", order=45))
    slots.register(SlotEntry(slot="console.nav", key="coupons", label=_("Coupons"), url="coupons:merchant",
                             active="coupons", testid="console-nav-coupons", order=65))
    slots.register(SlotEntry(slot="me.staff_menu", key="coupons", label=_("Platform coupons"), url="coupons:ops",
                             icon="🎫", testid="me-ops-coupons"))


def _viewer(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _tickets(context, templates) -> list[dict]:
    """At most 2 queries: the templates (with their shop), and the viewer's claimed counts when logged in."""
    from quanzi.coupons import selectors
    from quanzi.coupons.views import tickets

    if not templates:
        return []
    return tickets(templates, selectors.claimed_counts(user=_viewer(context), template_ids=[t.pk for t in templates]))


def shop_header_context(context) -> dict:
    """The shop page: its coupons (and platform coupons good in it) as a row of small tickets to claim."""
    from quanzi.coupons import selectors

    shop = context.get("shop")
    if shop is None:
        return {"cp_tickets": []}
    return {"cp_tickets": _tickets(context, selectors.claimable_templates(shop_id=shop.pk, limit=6))}


def product_coupons_context(context) -> dict:
    """The product page: “领券”, the coupons that cover this product. The anonymous page is cached and shared
    (web.page_cache), so nothing personal is shown to anonymous visitors: claimed_counts is empty for them."""
    from quanzi.coupons import selectors

    product = context.get("product")
    if product is None:
        return {"cp_tickets": []}
    return {"cp_tickets": _tickets(context, selectors.claimable_templates(product=product, limit=4))}
