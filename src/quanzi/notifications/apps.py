from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "quanzi.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from quanzi.notifications import handlers  # noqa: F401 - subscribe to content/social/order events

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="base.topbar", key="notifications.bell",
                                 template="notifications/partials/bell.html"))
        slots.register(SlotEntry(slot="me.menu", key="notifications", label=_("Notifications"),
                                 url="notifications:list", icon="🔔", testid="my-notifications", order=10))
