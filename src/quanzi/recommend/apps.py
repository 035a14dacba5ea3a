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
        slots.register(SlotEntry(slot="me.menu", key="recommend", label=_("Recommendations"),
                                 url="recommend:settings", icon="✨", testid="my-recommendations", order=115))

        from quanzi.core.seeding import seeders
        from quanzi.recommend import demo

        seeders.register(demo.seeder, order=98)  # after analytics' history (94)
