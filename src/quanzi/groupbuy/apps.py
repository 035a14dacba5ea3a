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
        slots.register(SlotEntry(slot="console.nav", key="groupbuy", label=_("Group buys"),
                                 url="groupbuy:merchant_campaigns", active="groupbuy", testid="console-nav-groupbuy",
                                 order=20))

        from quanzi.core.seeding import seeders
        from quanzi.groupbuy import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=50)
