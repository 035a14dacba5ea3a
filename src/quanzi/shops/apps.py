from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "quanzi.shops"
    label = "shops"
    verbose_name = _("Shops")

    def ready(self) -> None:
        from quanzi.shops import states  # noqa: F401 - registers the shop review state machine
