from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainConfig(AppConfig):
    name = "quanzi.bargain"
    label = "bargain"
    verbose_name = _("Bargains")

    def ready(self) -> None:
        from quanzi.bargain import handlers, services, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.bargain.models import BargainCampaign
        from quanzi.bargain.pricing import BargainPriceSource
        from quanzi.catalog.pools import pool_kinds
        from quanzi.orders.pricing import price_sources
        from quanzi.sharing.targets import share_targets

        pool_kinds.register(BargainCampaign, key=BargainCampaign.POOL_KIND)
        price_sources.register(BargainPriceSource())
        share_targets.register(services.bargain_share_target, key="bargain")

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="product.buy_box", key="bargain", template="bargain/partials/product_bargain.html",
                                 order=30))
        slots.register(SlotEntry(slot="home.entries", key="bargain", label=_("Bargain"), url="bargain:campaigns",
                                 icon="✂️", testid="entry-bargain", order=40, extra={"hint": _("Friends cut the price")}))
        slots.register(SlotEntry(slot="me.menu", key="bargain", label=_("My bargains"), url="bargain:my_bargains",
                                 icon="🔪", testid="my-bargains-link", order=80))
        slots.register(SlotEntry(slot="console.nav", key="bargain", label=_("Bargains"),
                                 url="bargain:merchant_campaigns", active="bargain", testid="console-nav-bargain",
                                 order=40))

        from quanzi.bargain import demo
        from quanzi.core.seeding import seeders
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=60)
