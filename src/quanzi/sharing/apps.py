from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "quanzi.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from quanzi.orders.pricing import register_attribution_provider
        from quanzi.sharing import handlers  # noqa: F401 - subscribe to events
        from quanzi.sharing.attribution import share_attribution

        register_attribution_provider(share_attribution)
