from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "quanzi.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from quanzi.reviews import handlers  # noqa: F401 - subscribers

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="product.sections", key="reviews",
                                 template="reviews/partials/product_reviews.html", order=20))
        slots.register(SlotEntry(slot="order.line_actions", key="reviews",
                                 template="reviews/partials/order_line_action.html"))
        slots.register(SlotEntry(slot="me.menu", key="reviews", label=_("My reviews"), url="reviews:my_reviews",
                                 icon="⭐", testid="my-reviews", order=120))
        slots.register(SlotEntry(slot="console.nav", key="reviews", label=_("Reviews"),
                                 url="reviews:merchant_reviews", active="reviews", testid="console-nav-reviews",
                                 order=10))

        from quanzi.core.seeding import seeders
        from quanzi.reviews import demo
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=34)
