from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "quanzi.live"
    label = "live"
    verbose_name = _("Live rooms")

    def ready(self) -> None:
        from quanzi.live import handlers, tasks  # noqa: F401 - subscribers, sweeps

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="base.topnav", key="live", label=_("Live"), url="live:schedule",
                                 testid="nav-live", order=20))
        slots.register(SlotEntry(slot="me.menu", key="live", label=_("Live rooms"), url="live:schedule",
                                 icon="📺", testid="my-live", order=90))
        slots.register(SlotEntry(slot="console.nav", key="live", label=_("Live"), url="live:merchant_rooms",
                                 active="live", testid="console-nav-live", order=30))

        from quanzi.core.seeding import seeders
        from quanzi.live import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=80)
