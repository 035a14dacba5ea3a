from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "quanzi.feed"
    label = "feed"
    verbose_name = _("Feed")

    def ready(self) -> None:
        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import TEMPLATE, SlotEntry, declare_slot, slots

        from . import handlers, tasks  # noqa: F401 - registers event subscribers and the pool sweep

        declare_slot("feed.discover", kind=TEMPLATE, owner="feed",
                     doc="Discover tab: cards at the head of the first page's grid (sponsored products, marked).")
        slots.register(SlotEntry(slot="base.topnav", key="feed", label=_("Discover"), url="feed:feed", order=10))
        slots.register(SlotEntry(slot="home.feed", key="feed", template="feed/partials/home_notes.html",
                                 context=home_notes_context, stylesheets=("content/css/content.css", "feed/css/feed.css"),
                                 order=10))
        slots.register(SlotEntry(slot="base.tabbar", key="feed", label=_("Discover"), url="feed:feed", icon="grid",
                                 active="feed", testid="tab-discover", order=10))


HOME_NOTES = 8


def home_notes_context(context) -> dict:
    """The home page's notes to browse after the goods: the discovery feed's best, in the reader's
    language, without touching the reader's "seen" list (Discover continues from its own)."""
    from quanzi.feed.selectors import discovery_feed

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"home_notes": discovery_feed(user=user if user is not None and user.is_authenticated else None,
                                         limit=HOME_NOTES)}
