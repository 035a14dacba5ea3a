from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "quanzi.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from quanzi.payments import tasks  # noqa: F401 - registers sweeps
