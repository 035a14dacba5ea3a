from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashsaleConfig(AppConfig):
    name = "quanzi.flashsale"
    label = "flashsale"
    verbose_name = _("Flash sales")

    def ready(self) -> None:
        from quanzi.flashsale import handlers, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.flashsale.pricing import FlashPriceSource
        from quanzi.orders.pricing import price_sources

        price_sources.register(FlashPriceSource())
