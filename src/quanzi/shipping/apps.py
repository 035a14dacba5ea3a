from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ShippingConfig(AppConfig):
    name = "quanzi.shipping"
    label = "shipping"
    verbose_name = pgettext_lazy("app", "Shipping")

    def ready(self) -> None:
        from quanzi.shipping import checks, tasks  # noqa: F401 - system checks, sweeps
