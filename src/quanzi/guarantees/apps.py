from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteesConfig(AppConfig):
    name = "quanzi.guarantees"
    label = "guarantees"
    verbose_name = _("Guarantees and disputes")

    def ready(self) -> None:
        from quanzi.guarantees import handlers, states, tasks  # noqa: F401 - subscribers, state machines, sweep
        from quanzi.guarantees.constants import DEPOSIT_PURPOSE
        from quanzi.payments.returns import return_urls

        return_urls.register(handlers.deposit_return, key=DEPOSIT_PURPOSE)  # after paying a deposit: the console

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        css = ("guarantees/css/guarantees.css",)
        slots.register(SlotEntry(slot="shop.header", key="guarantees", template="guarantees/partials/shop_header.html",
                                 context=shop_header_context, stylesheets=css, order=20))
        slots.register(SlotEntry(slot="product.buy_box", key="guarantees",
                                 template="guarantees/partials/product_badges.html", context=product_badges_context,
                                 stylesheets=css, order=5))
        slots.register(SlotEntry(slot="order.panels", key="guarantees", template="guarantees/partials/order_panel.html",
                                 context=order_panel_context, stylesheets=css, order=50))
        slots.register(SlotEntry(slot="console.nav", key="guarantees", label=_("Guarantees"),
                                 url="guarantees:merchant", active="guarantees", testid="console-nav-guarantees",
                                 order=90))
        slots.register(SlotEntry(slot="me.menu", key="guarantees", label=_("My claims"), url="guarantees:mine",
                                 icon="🛡️", testid="my-claims", order=125))
        slots.register(SlotEntry(slot="me.staff_menu", key="guarantees.claims", label=_("Claims to decide"),
                                 url="guarantees:ops_queue", icon="⚖️", testid="me-ops-claims"))
        slots.register(SlotEntry(slot="admin.todo", key="guarantees.claims", label=_("Claims waiting for a decision"),
                                 url="guarantees:ops_queue", testid="todo-claims", order=70,
                                 extra={"count": claims_waiting}))

        from quanzi.core.seeding import seeders
        from quanzi.guarantees import demo

        seeders.register(demo.seeder, order=93)  # after ads (92); before reconciliation (99) reads the payments


def claims_waiting() -> int:
    from quanzi.guarantees.selectors import claim_count_awaiting_decision

    return claim_count_awaiting_decision()


def shop_header_context(context) -> dict:
    """The shop page: its guarantees (while the deposit covers them), the deposit and its dispute rate."""
    from quanzi.guarantees import selectors

    shop = context.get("shop")
    if shop is None:
        return {"gt_badges": []}
    info = selectors.shop_guarantees(shop_id=shop.pk)
    if not info["live"]:
        return {"gt_badges": []}
    return {"gt_badges": info["kinds"], "gt_shop_id": shop.pk, "gt_deposit": info["deposit"],
            "gt_stats": selectors.shop_dispute_stats(shop=shop)}


def product_badges_context(context) -> dict:
    """The product page: the shop's guarantee badges, linking to the guarantee page."""
    from quanzi.guarantees import selectors

    shop = context.get("shop")
    if shop is None:
        return {"gt_badges": []}
    return {"gt_badges": selectors.shop_badges(shop_id=shop.pk), "gt_shop_id": shop.pk}


def order_panel_context(context) -> dict:
    """The order page: the buyer's claims on this order, and "Report a problem" for its lines."""
    from quanzi.guarantees import selectors

    order, request = context.get("order"), context.get("request")
    if order is None or request is None or not request.user.is_authenticated or order.user_id != request.user.pk:
        return {"gt_lines": []}
    kinds = selectors.shop_guarantees(shop_id=order.shop_id)["kinds"]
    claims = selectors.claims_on_order(user=request.user, order_number=order.number)
    if not kinds and not claims:
        return {"gt_lines": []}
    received = order.status in ("delivered", "completed")
    late_parcel = "ship_on_time" in kinds and order.status in ("paid", "shipped")
    return {"gt_lines": [{"line": ln, "claims": claims.get(ln.pk, [])} for ln in order.lines.all()],
            "gt_can_claim": bool(kinds) and order.paid_at is not None and (received or late_parcel)}
