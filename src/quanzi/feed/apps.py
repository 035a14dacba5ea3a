from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "quanzi.feed"
    label = "feed"
    verbose_name = _("Feed")

    def ready(self) -> None:
        from quanzi.web.slots import SlotEntry, slots

        from . import handlers, tasks  # noqa: F401 - registers event subscribers and the pool sweep

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        slots.register(SlotEntry(slot="base.topnav", key="feed", label=_("Discover"), url="feed:feed", order=10))
        slots.register(SlotEntry(slot="base.tabbar", key="feed", label=_("Discover"), url="feed:feed", icon="grid",
                                 active="feed", testid="tab-discover", order=10))
