from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "quanzi.commission"
    label = "commission"
    verbose_name = _("Commission")

    def ready(self) -> None:
        from quanzi.commission import handlers, services  # noqa: F401 - subscribers (and the tier sweep)
        from quanzi.settlement.services import SettlementDeduction, settlement_deductions

        settlement_deductions.register(SettlementDeduction(key="commission", many=services.settlement_deductions))
