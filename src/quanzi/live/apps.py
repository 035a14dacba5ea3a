from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "quanzi.live"
    label = "live"
    verbose_name = _("Live rooms")

    def ready(self) -> None:
        from quanzi.live import handlers, tasks  # noqa: F401 - subscribers, sweeps
