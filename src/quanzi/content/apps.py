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

        from quanzi.content import counters

        counters.connect()

        from quanzi.content.selectors import likes_received, published_note_count
        from quanzi.social.selectors import profile_counters

        profile_counters.register(published_note_count, key="notes")
        profile_counters.register(likes_received, key="likes_received")
