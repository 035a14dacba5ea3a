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

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.sharing.earnings import share_button_context
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="product.share", key="sharing", template="sharing/partials/share_button.html",
                                 context=share_button_context))
        slots.register(SlotEntry(slot="me.menu", key="sharing.invite", label=_("Invite friends"), url="sharing:invite",
                                 icon="🤝", testid="my-invite", order=70))
