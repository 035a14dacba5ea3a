from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "quanzi.recommend"
    label = "recommend"
    verbose_name = _("Recommendation")

    def ready(self) -> None:
        from quanzi.recommend import handlers, tasks  # noqa: F401 - the privacy consent; the training sweep
        from quanzi.web.slots import SlotEntry, slots

        styles = ("recommend/css/recommend.css",)
        slots.register(SlotEntry(slot="home.sections", key="recommend.for_you",
                                 template="recommend/partials/for_you_loader.html", stylesheets=styles,
                                 order=80))  # fetched after the page: no cost to the home page
        slots.register(SlotEntry(slot="product.sections", key="recommend.also",
                                 template="recommend/partials/also_viewed_loader.html", stylesheets=styles,
                                 order=30))  # fetched when scrolled to
        slots.register(SlotEntry(slot="feed.discover", key="recommend.for_you",
                                 template="recommend/partials/feed_loader.html", stylesheets=styles,
                                 order=200))  # two picks after the sponsored card, fetched after the page
        slots.register(SlotEntry(slot="order.panels", key="recommend.after_order",
                                 template="recommend/partials/after_order_loader.html", stylesheets=styles,
                                 order=90))  # 买了还买 after a purchase, fetched when scrolled to
        slots.register(SlotEntry(slot="me.menu", key="recommend", label=_("Recommendations"),
                                 url="recommend:settings", icon="✨", testid="my-recommendations", order=115))
        slots.register(SlotEntry(slot="me.staff_menu", key="recommend.ab", label=_("Recommendation A/B"),
                                 url="recommend:ab_report", icon="🧪", testid="staff-recommend-ab", order=70))

        from quanzi.recommend.views import product_visited
        from quanzi.web.page_hooks import product_visit_hooks

        product_visit_hooks.register(product_visited, key="recommend.visit")

        from quanzi.core.seeding import seeders
        from quanzi.recommend import demo

        seeders.register(demo.seeder, order=98)  # after analytics' history (94)
