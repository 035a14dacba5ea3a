from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashsaleConfig(AppConfig):
    name = "quanzi.flashsale"
    label = "flashsale"
    verbose_name = _("Flash sales")

    def ready(self) -> None:
        from quanzi.flashsale import handlers  # noqa: F401 - price source, events, sweeps
