from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "quanzi.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from quanzi.content import handlers  # noqa: F401 - subscribers
        from quanzi.content.attribution import note_attribution
        from quanzi.orders.pricing import attribution_providers

        attribution_providers.register(note_attribution)

        from quanzi.content.selectors import likes_received, published_note_count
        from quanzi.social.selectors import profile_counters

        profile_counters.register(published_note_count, key="notes")
        profile_counters.register(likes_received, key="likes_received")

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.content import pages
        from quanzi.web.page_hooks import checkout_context_providers, product_visit_hooks
        from quanzi.web.slots import SlotEntry, slots

        product_visit_hooks.register(pages.remember_note, key="content.from_note")
        checkout_context_providers.register(pages.checkout_from_note, key="content.from_note")
        slots.register(SlotEntry(slot="product.sections", key="content.notes",
                                 template="content/partials/product_notes.html", order=10))
        slots.register(SlotEntry(slot="me.menu", key="content.write", label=_("Write a note"), url="content:note_new",
                                 icon="📝", testid="write-note", order=30))
        slots.register(SlotEntry(slot="me.menu", key="content.collections", label=_("My collections"),
                                 url="content:collections", icon="☆", testid="my-collections", order=110))
        hint = {"placeholder": _("Search notes, users and topics")}
        css = ("content/css/content.css", "social/css/social.css")
        slots.register(SlotEntry(slot="search.tabs", key="notes", label=_("Notes"), context=pages.search_tab_notes,
                                 template="content/partials/search_notes.html", stylesheets=css, extra=hint,
                                 order=10))
        slots.register(SlotEntry(slot="search.tabs", key="users", label=_("Users"), context=pages.search_tab_users,
                                 template="content/partials/search_users.html", stylesheets=css, extra=hint,
                                 order=20))
        slots.register(SlotEntry(slot="search.tabs", key="topics", label=_("Topics"), context=pages.search_tab_topics,
                                 template="content/partials/search_topics.html", stylesheets=css, extra=hint,
                                 order=30))

        from quanzi.content import demo
        from quanzi.core.seeding import seeders
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.notes, order=31)
        seeders.register(demo.engagement, order=33)
