from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "quanzi.commission"
    label = "commission"
    verbose_name = _("Commission")

    def ready(self) -> None:
        from quanzi.commission import handlers  # noqa: F401 - subscribe to events
