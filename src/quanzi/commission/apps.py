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

        from quanzi.commission.selectors import share_earning_estimate
        from quanzi.sharing.earnings import share_earnings

        share_earnings.register(share_earning_estimate, key="commission")  # the share button's "earn ¥x"

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.commission.constants import CommissionStatus
        from quanzi.commission.selectors import commission_count_held
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="me.menu", key="commission", label=_("Share & earn"), url="commission:earnings",
                                 icon="💹", testid="my-earnings", order=40))
        slots.register(SlotEntry(slot="me.staff_menu", key="commission.ops", label=_("Distribution programme"),
                                 url="commission:ops", icon="📊", testid="me-ops-distribution"))
        slots.register(SlotEntry(slot="console.nav", key="commission", label=_("Distribution"),
                                 url="commission:merchant_plans", active="distribution",
                                 testid="console-nav-distribution", order=60))
        slots.register(SlotEntry(slot="admin.todo", key="commission.held", label=_("Commissions held for review"),
                                 url="admin:commission_commission_changelist",
                                 query=f"status__exact={CommissionStatus.HELD}", testid="todo-held-commissions",
                                 order=50, extra={"count": commission_count_held}))

        from quanzi.commission import demo
        from quanzi.core.seeding import seeders
        # its demo data, for `manage.py seed_demo`
        seeders.register(demo.seeder, order=40)
