from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "quanzi.shipping"
    label = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        from quanzi.shipping import tasks  # noqa: F401
