from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupbuyConfig(AppConfig):
    name = "quanzi.groupbuy"
    label = "groupbuy"
    verbose_name = _("Group buying")

    def ready(self) -> None:
        from quanzi.groupbuy import handlers  # noqa: F401 - price source, events, sweeps
