from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainConfig(AppConfig):
    name = "quanzi.bargain"
    label = "bargain"
    verbose_name = _("Bargains")

    def ready(self) -> None:
        from quanzi.bargain import handlers  # noqa: F401 - price source, events, sweeps
