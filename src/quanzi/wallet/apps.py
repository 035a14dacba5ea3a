from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "quanzi.wallet"
    label = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from quanzi.wallet import handlers, tasks  # noqa: F401 - subscribe to events, register sweeps
