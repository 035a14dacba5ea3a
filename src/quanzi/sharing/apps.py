from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "quanzi.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from quanzi.accounts.services import login_hooks
        from quanzi.orders.pricing import attribution_providers
        from quanzi.sharing import handlers
        from quanzi.sharing.attribution import share_attribution

        attribution_providers.register(share_attribution)
        login_hooks.register(handlers.on_login, key="sharing")
