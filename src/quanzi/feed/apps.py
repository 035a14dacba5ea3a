from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "quanzi.feed"
    label = "feed"
    verbose_name = _("Feed")

    def ready(self) -> None:
        from . import handlers, tasks  # noqa: F401 - registers event subscribers and the pool sweep
