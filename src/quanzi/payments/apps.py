from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "quanzi.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from quanzi.payments import checks, states, tasks  # noqa: F401 - system checks, state machines, sweeps
        from quanzi.payments.providers import payment_providers
        from quanzi.payments.providers.alipay import AlipayProvider
        from quanzi.payments.providers.sandbox import SandboxProvider

        # Every adapter is registered; QUANZI["PAYMENT_PROVIDERS"] says which are enabled (payments.cashier).
        payment_providers.register(SandboxProvider())
        payment_providers.register(AlipayProvider())

        # the provider pages the cashier sends shoppers to, in the Content-Security-Policy's form-action
        from quanzi.core.csp import csp_sources
        from quanzi.payments.cashier import csp_sources as cashier_csp_sources

        csp_sources.register(cashier_csp_sources, key="payments")
        from quanzi.payments.providers.wechat import WechatPayProvider  # also registers its settings check

        payment_providers.register(WechatPayProvider())
