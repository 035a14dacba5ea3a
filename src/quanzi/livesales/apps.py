from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivesalesConfig(AppConfig):
    name = "quanzi.livesales"
    label = "livesales"
    verbose_name = _("Live-room sales and tips")

    def ready(self) -> None:
        from quanzi.livesales import handlers  # noqa: F401 - price source, attribution, events
