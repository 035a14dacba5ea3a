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
