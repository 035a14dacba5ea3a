from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivesalesConfig(AppConfig):
    name = "quanzi.livesales"
    label = "livesales"
    verbose_name = _("Live-room sales and tips")

    def ready(self) -> None:
        from quanzi.catalog.pools import pool_kinds
        from quanzi.live.stats import room_stats_rows
        from quanzi.livesales import handlers, services, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.livesales.models import LivePrice
        from quanzi.livesales.pricing import LivePriceSource
        from quanzi.livesales.stats import room_stats_rows as sales_rows
        from quanzi.orders.pricing import attribution_providers, price_sources
        from quanzi.payments.returns import return_urls
        from quanzi.settlement.services import SettlementDeduction, settlement_deductions

        pool_kinds.register(LivePrice, key=LivePrice.POOL_KIND)
        price_sources.register(LivePriceSource())
        attribution_providers.register(services.attribution)
        settlement_deductions.register(SettlementDeduction(key="livesales", many=services.settlement_deductions))
        return_urls.register(handlers.topup_return, key=services.TOPUP_PURPOSE)
        room_stats_rows.register(sales_rows)

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="me.menu", key="livesales.tips", label=_("Tips and gifts"),
                                 url="livesales:my_tips", icon="🎁", testid="my-tips", order=60))

        from quanzi.core.seeding import seeders
        from quanzi.livesales import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=90)
