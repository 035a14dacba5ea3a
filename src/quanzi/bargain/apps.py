from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainConfig(AppConfig):
    name = "quanzi.bargain"
    label = "bargain"
    verbose_name = _("Bargains")

    def ready(self) -> None:
        from quanzi.bargain import handlers, services, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.bargain.pricing import BargainPriceSource
        from quanzi.orders.pricing import price_sources
        from quanzi.sharing.targets import share_targets

        price_sources.register(BargainPriceSource())
        share_targets.register(services.bargain_share_target, key="bargain")
