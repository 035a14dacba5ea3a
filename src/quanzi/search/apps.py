from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "quanzi.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from quanzi.search import handlers, tasks  # noqa: F401 - the index follows the catalog, shops and reviews; the sales sweep
        from quanzi.web.slots import SlotEntry, slots, staff_only

        slots.register(SlotEntry(slot="console.nav", key="search", label=_("Search synonyms"),
                                 url="search:merchant_synonyms", active="search", testid="console-nav-search",
                                 order=95))
        slots.register(SlotEntry(slot="me.staff_menu", key="search.ops", label=_("Search: synonyms and queries"),
                                 url="search:ops", icon="🔎", testid="me-ops-search", visible=staff_only))

        from quanzi.core.seeding import seeders
        from quanzi.search import demo

        seeders.register(demo.seeder, order=95)  # after every app that adds products and reviews
