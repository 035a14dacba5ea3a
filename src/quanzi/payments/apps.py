from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "quanzi.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from quanzi.payments import states, tasks  # noqa: F401 - registers the state machines and sweeps
        from quanzi.payments.providers import payment_providers
        from quanzi.payments.providers.sandbox import SandboxProvider

        payment_providers.register(SandboxProvider())
