from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupbuyConfig(AppConfig):
    name = "quanzi.groupbuy"
    label = "groupbuy"
    verbose_name = _("Group buying")

    def ready(self) -> None:
        from quanzi.groupbuy import handlers, services, tasks  # noqa: F401 - subscribers, sweeps
        from quanzi.groupbuy.pricing import GroupPriceSource
        from quanzi.orders.pricing import price_sources
        from quanzi.sharing.targets import share_targets

        price_sources.register(GroupPriceSource())
        share_targets.register(services.group_share_target, key="group")
