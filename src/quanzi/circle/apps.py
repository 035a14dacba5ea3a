from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircleConfig(AppConfig):
    name = "quanzi.circle"
    label = "circle"
    verbose_name = _("Circle")

    def ready(self) -> None:
        from quanzi.circle import handlers  # noqa: F401 - subscribe to order.paid
