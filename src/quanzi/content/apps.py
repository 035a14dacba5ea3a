from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "quanzi.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from quanzi.content.attribution import note_attribution
        from quanzi.orders.pricing import register_attribution_provider

        register_attribution_provider(note_attribution)

        from quanzi.content import counters

        counters.connect()

        from quanzi.content.selectors import likes_received, published_note_count
        from quanzi.social.selectors import register_profile_counter

        register_profile_counter("notes", published_note_count)
        register_profile_counter("likes_received", likes_received)
