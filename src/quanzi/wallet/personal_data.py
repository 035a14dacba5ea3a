"""Personal data held by wallet. Withdrawals are kept (ledger-backed); the payee account keeps only its
last four characters and the holder's name goes. Money left in the wallet, or on its way, blocks deletion."""

from django.db.models import F, Value
from django.db.models.functions import Concat, Right
from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan
from quanzi.core.personal_data import declare, rows
from quanzi.wallet import selectors
from quanzi.wallet.models import Withdrawal


def export(user) -> dict:
    return {
        "balances": selectors.balances(user_id=user.pk),
        "withdrawals": rows(Withdrawal.objects.filter(user=user).order_by("-created_at"), "number", "amount", "fee",
                            "account_type", "account_number", "account_name", "status", "created_at"),
    }


def erase(user) -> None:
    Withdrawal.objects.filter(user=user).update(account_name="",
                                                account_number=Concat(Value("***"), Right(F("account_number"), 4)))


def blockers(user) -> list[str]:
    b = selectors.balances(user_id=user.pk)
    reasons = []
    if b["available"]:
        reasons.append(_("Your wallet still holds %(amount)s: withdraw it first.") % {"amount": format_yuan(b["available"])})
    if b["pending"]:
        reasons.append(_("%(amount)s of earnings are still pending.") % {"amount": format_yuan(b["pending"])})
    if b["withdrawing"]:
        reasons.append(_("A withdrawal of %(amount)s is on its way.") % {"amount": format_yuan(b["withdrawing"])})
    return reasons


declare(
    app="wallet",
    personal={"wallet.Wallet.user": "link", "wallet.Withdrawal.user": "link", "wallet.Withdrawal.account_name": "financial",
              "wallet.Withdrawal.account_number": "financial", "wallet.WithdrawalEvent.actor": "link"},
    not_personal={
        "wallet.Withdrawal.operator_note": "the operator's note on the withdrawal",
        "wallet.Withdrawal.failure_reason": "the payout provider's error",
        "wallet.WithdrawalEvent.note": "the timeline's note (who approved, the provider's answer)",
    },
    export=export, erase=erase, blockers=blockers,
)
