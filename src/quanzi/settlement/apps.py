from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "quanzi.settlement"
    label = "settlement"
    verbose_name = _("Settlement and payouts")

    def ready(self) -> None:
        from quanzi.settlement import handlers, states, tasks  # noqa: F401 - subscribe, state machine, sweeps
