from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "quanzi.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from quanzi.orders import handlers, states, tasks  # noqa: F401 - subscribe, state machines, sweeps
        from quanzi.payments.returns import return_urls

        return_urls.register(handlers.order_page, key="orders")
