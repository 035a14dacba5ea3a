from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "quanzi.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self) -> None:
        from quanzi.core import checks, tasks, translated_queries  # noqa: F401 - outbox sweeps, system checks

        translated_queries.install()
