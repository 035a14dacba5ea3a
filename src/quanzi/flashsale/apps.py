from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashsaleConfig(AppConfig):
    name = "quanzi.flashsale"
    label = "flashsale"
    verbose_name = _("Flash sales")

    def ready(self) -> None:
        from quanzi.catalog.pools import pool_kinds
        from quanzi.flashsale import handlers, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.flashsale.models import FlashItem
        from quanzi.flashsale.pricing import FlashPriceSource
        from quanzi.orders.pricing import price_sources

        pool_kinds.register(FlashItem, key=FlashItem.POOL_KIND)
        price_sources.register(FlashPriceSource())

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="product.buy_box", key="flashsale",
                                 template="flashsale/partials/product_flash.html", order=10))
        slots.register(SlotEntry(slot="home.entries", key="flashsale", label=_("Flash sale"), url="flashsale:sales",
                                 icon="⚡", testid="entry-flash", order=10, extra={"hint": _("On the hour")}))
        slots.register(SlotEntry(slot="home.sections", key="flashsale", template="flashsale/partials/home_strip.html",
                                 context=home_flash_strip, stylesheets=("flashsale/css/flashsale.css",), order=10))
        slots.register(SlotEntry(slot="me.menu", key="flashsale", label=_("My flash-sale orders"),
                                 url="flashsale:my_reservations", icon="⚡", testid="my-flash", order=100))
        slots.register(SlotEntry(slot="console.nav", key="flashsale", label=_("Flash sales"),
                                 url="flashsale:merchant_sales", active="flashsale", testid="console-nav-flashsale",
                                 order=50))

        from quanzi.core.seeding import seeders
        from quanzi.flashsale import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=70)


def home_flash_strip(context) -> dict:
    """The home page's flash strip: the session on now (else the next one) and four of its items."""
    from quanzi.flashsale.selectors import home_session

    return {"flash": home_session()}
