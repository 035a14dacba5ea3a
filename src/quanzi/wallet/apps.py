from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "quanzi.wallet"
    label = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from quanzi.wallet import handlers, tasks  # noqa: F401 - subscribe to events, register sweeps
        from quanzi.wallet.payouts import SandboxPayoutProvider, payout_providers

        payout_providers.register(SandboxPayoutProvider())

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.wallet.constants import WithdrawalStatus
        from quanzi.wallet.selectors import withdrawal_count_requested
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="me.menu", key="wallet", label=_("My wallet"), url="wallet:wallet",
                                 icon="💰", testid="my-wallet", order=50))
        slots.register(SlotEntry(slot="admin.todo", key="wallet.withdrawals", label=_("Withdrawals waiting for approval"),
                                 url="admin:wallet_withdrawal_changelist",
                                 query=f"status__exact={WithdrawalStatus.REQUESTED}", testid="todo-withdrawals",
                                 order=40, extra={"count": withdrawal_count_requested}))
