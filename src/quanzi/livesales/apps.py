from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivesalesConfig(AppConfig):
    name = "quanzi.livesales"
    label = "livesales"
    verbose_name = _("Live-room sales and tips")

    def ready(self) -> None:
        from quanzi.live.stats import room_stats_rows
        from quanzi.livesales import handlers, services, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.livesales.pricing import LivePriceSource
        from quanzi.livesales.stats import room_stats_rows as sales_rows
        from quanzi.orders.pricing import attribution_providers, price_sources
        from quanzi.payments.returns import return_urls
        from quanzi.settlement.services import SettlementDeduction, settlement_deductions

        price_sources.register(LivePriceSource())
        attribution_providers.register(services.attribution)
        settlement_deductions.register(SettlementDeduction(key="livesales", many=services.settlement_deductions))
        return_urls.register(handlers.topup_return, key=services.TOPUP_PURPOSE)
        room_stats_rows.register(sales_rows)
