from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupbuyConfig(AppConfig):
    name = "quanzi.groupbuy"
    label = "groupbuy"
    verbose_name = _("Group buying")

    def ready(self) -> None:
        from quanzi.catalog.pools import pool_kinds
        from quanzi.groupbuy import handlers, services, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.groupbuy.models import GroupCampaign
        from quanzi.groupbuy.pricing import GroupPriceSource
        from quanzi.orders.pricing import price_sources
        from quanzi.sharing.targets import share_targets

        pool_kinds.register(GroupCampaign, key=GroupCampaign.POOL_KIND)
        price_sources.register(GroupPriceSource())
        share_targets.register(services.group_share_target, key="group")

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="product.buy_box", key="groupbuy",
                                 template="groupbuy/partials/product_groups.html", order=20))
        slots.register(SlotEntry(slot="home.entries", key="groupbuy", label=_("Group buy"), url="groupbuy:campaigns",
                                 icon="👥", testid="entry-groupbuy", order=20, extra={"hint": _("Cheaper together")}))
        slots.register(SlotEntry(slot="home.sections", key="groupbuy", template="groupbuy/partials/home_strip.html",
                                 context=home_strip_context, stylesheets=("groupbuy/css/groupbuy.css",), order=15))
        slots.register(SlotEntry(slot="order.panels", key="groupbuy", template="groupbuy/partials/order_panel.html",
                                 context=order_panel_context, stylesheets=("groupbuy/css/groupbuy.css",), order=5))
        slots.register(SlotEntry(slot="console.nav", key="groupbuy", label=_("Group buys"),
                                 url="groupbuy:merchant_campaigns", active="groupbuy", testid="console-nav-groupbuy",
                                 order=20))

        from quanzi.core.seeding import seeders
        from quanzi.groupbuy import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=50)


HOME_STRIP_SIZE = 6


def home_strip_context(context) -> dict:
    """The home page's 拼团 strip: the newest group buys a shopper can open, with their group price."""
    from quanzi.groupbuy import selectors

    return {"gb_home": selectors.running_campaigns(limit=HOME_STRIP_SIZE)}


def order_panel_context(context) -> dict:
    """The order page's group panel: the group this order holds a spot in, and its seats."""
    from quanzi.core import clock
    from quanzi.groupbuy import selectors

    order = context.get("order")
    group = selectors.group_of_order(order_id=order.pk) if order is not None else None
    if group is None:
        return {"gb_group": None}
    return {"gb_group": group, "gb_members": selectors.visible_members(group=group),
            "gb_empty_seats": range(group.spots_left),
            "gb_open": group.status == "open" and group.deadline > clock.now()}
