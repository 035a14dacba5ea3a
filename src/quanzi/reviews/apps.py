from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "quanzi.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from quanzi.reviews import handlers  # noqa: F401 - subscribers
