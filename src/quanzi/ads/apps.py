from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdsConfig(AppConfig):
    name = "quanzi.ads"
    label = "ads"
    verbose_name = _("Sponsored listings")

    def ready(self) -> None:
        from quanzi.ads import handlers, states  # noqa: F401 - subscribers, state machines
        from quanzi.ads.constants import TOPUP_PURPOSE
        from quanzi.payments.returns import return_urls

        return_urls.register(handlers.topup_return, key=TOPUP_PURPOSE)

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="console.nav", key="ads", label=_("Sponsored listings"),
                                 url="ads:merchant_campaigns", active="ads", testid="console-nav-ads", order=70))
        slots.register(SlotEntry(slot="me.staff_menu", key="ads.review", label=_("Sponsored listings review"),
                                 url="ads:ops_review", icon="📢", testid="me-ops-ads-review"))
        slots.register(SlotEntry(slot="me.staff_menu", key="ads.revenue", label=_("Platform revenue"),
                                 url="ads:ops_revenue", icon="💹", testid="me-ops-revenue"))
        slots.register(SlotEntry(slot="search.results_top", key="ads", template="ads/partials/search_sponsored.html",
                                 context=search_sponsored_context))
        slots.register(SlotEntry(slot="category.results_top", key="ads", template="ads/partials/search_sponsored.html",
                                 context=category_sponsored_context))
        slots.register(SlotEntry(slot="feed.discover", key="ads", template="ads/partials/feed_sponsored.html",
                                 context=feed_sponsored_context))
        slots.register(SlotEntry(slot="home.sections", key="ads", template="ads/partials/home_sponsored_loader.html",
                                 order=90))  # fetched after the page loads: no cost to the home page

        from quanzi.ads import demo
        from quanzi.core.seeding import seeders

        seeders.register(demo.seeder, order=92)  # its demo data, for `manage.py seed_demo`


SEARCH_SLOTS = 2


def search_sponsored_context(context) -> dict:
    """Sponsored results for the search page's query (marked 广告, above and apart from the organic results);
    on the first page only, where the auction's impressions are honest."""
    from quanzi.ads import selectors
    from quanzi.core.http import client_fingerprint

    request, query = context.get("request"), str(context.get("query") or "")
    if request is None or not query or request.GET.get("page", "1") not in ("", "1"):
        return {"sponsored": []}
    user = request.user if request.user.is_authenticated else None
    ads = selectors.sponsored_for_search(query=query, limit=SEARCH_SLOTS, viewer=user,
                                         device=client_fingerprint(request)["device"])
    return {"sponsored": ads}


def category_sponsored_context(context) -> dict:
    """Sponsored products on a category page's first page (its category placement)."""
    from quanzi.ads import selectors
    from quanzi.core.http import client_fingerprint

    request, category = context.get("request"), context.get("category")
    if request is None or category is None or request.GET.get("page", "1") not in ("", "1"):
        return {"sponsored": []}
    user = request.user if request.user.is_authenticated else None
    ads = selectors.sponsored_for_category(category_id=category.pk, limit=SEARCH_SLOTS, viewer=user,
                                           device=client_fingerprint(request)["device"])
    return {"sponsored": ads}


FEED_SLOTS = 1


def feed_sponsored_context(context) -> dict:
    """A sponsored product at the head of the Discover tab's first page (the feed placement)."""
    from quanzi.ads import selectors
    from quanzi.core.http import client_fingerprint

    request = context.get("request")
    if request is None:
        return {"sponsored": []}
    user = request.user if request.user.is_authenticated else None
    return {"sponsored": selectors.sponsored_for_feed(limit=FEED_SLOTS, viewer=user,
                                                      device=client_fingerprint(request)["device"])}
