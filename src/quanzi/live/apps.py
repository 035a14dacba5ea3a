from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "quanzi.live"
    label = "live"
    verbose_name = _("Live rooms")

    def ready(self) -> None:
        from quanzi.live import checks, handlers, tasks  # noqa: F401 - system checks, subscribers, sweeps

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="base.topnav", key="live", label=_("Live"), url="live:schedule",
                                 testid="nav-live", order=20))
        slots.register(SlotEntry(slot="base.tabbar", key="live", label=_("Live"), url="live:schedule", icon="live",
                                 active="schedule", testid="tab-live", order=20))
        slots.register(SlotEntry(slot="home.entries", key="live", label=_("Live"), url="live:schedule", icon="📺",
                                 testid="entry-live", order=30, extra={"hint": _("Shop as they show")}))
        slots.register(SlotEntry(slot="home.sections", key="live", template="live/partials/home_live_now.html",
                                 context=home_live_now, stylesheets=("live/css/live.css",), order=20))
        slots.register(SlotEntry(slot="me.menu", key="live", label=_("Live rooms"), url="live:schedule",
                                 icon="📺", testid="my-live", order=90))
        slots.register(SlotEntry(slot="console.nav", key="live", label=_("Live"), url="live:merchant_rooms",
                                 active="live", testid="console-nav-live", order=30))

        # its WebSocket and media servers in the Content-Security-Policy
        from quanzi.core.csp import csp_sources
        from quanzi.live.routing import csp_sources as live_csp_sources

        csp_sources.register(live_csp_sources, key="live")

        from quanzi.core.seeding import seeders
        from quanzi.live import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=80)


def home_live_now(context) -> dict:
    """The home page's live-now strip: up to three rooms on air (one query)."""
    from quanzi.live.selectors import live_now

    return {"live_rooms": live_now(limit=3)}
