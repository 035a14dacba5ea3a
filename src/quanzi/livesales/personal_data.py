"""Personal data held by livesales: the tipper's real-name declaration (deleted), tips, top-ups and host
commissions (kept: ledger-backed, linked to the pseudonymised user). A tip balance left blocks deletion."""

from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan
from quanzi.core.personal_data import declare, rows
from quanzi.livesales.models import HostCommission, TipBalance, TipperDeclaration, TopUp
from quanzi.livesales.models import Tip as TipRow


def export(user) -> dict:
    return {
        "tip_balance": TipBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0,
        "declaration": rows(TipperDeclaration.objects.filter(user=user), "real_name", "birth_date"),
        "top_ups": rows(TopUp.objects.filter(user=user), "amount", "status", "created_at"),
        "tips_sent": rows(TipRow.objects.filter(tipper=user), "room_id", "amount", "created_at"),
        "host_commissions": rows(HostCommission.objects.filter(host=user), "order__number", "amount", "status"),
    }


def erase(user) -> None:
    TipperDeclaration.objects.filter(user=user).delete()


def blockers(user) -> list[str]:
    balance = TipBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0
    return [_("You still have %(amount)s of tip balance.") % {"amount": format_yuan(balance)}] if balance else []


declare(
    app="livesales",
    personal={
        "livesales.LivePrice.created_by": "link", "livesales.LivePriceBuyer.user": "link",
        "livesales.HostCommission.host": "link", "livesales.TipBalance.user": "link", "livesales.TopUp.user": "link",
        "livesales.Tip.tipper": "link", "livesales.Tip.host": "link", "livesales.TipperDeclaration.user": "link",
        "livesales.TipperDeclaration.real_name": "identity", "livesales.TipperDeclaration.birth_date": "identity",
    },
    not_personal={"livesales.Gift.name": "a virtual gift's name (“Rocket”)"},
    export=export, erase=erase, blockers=blockers,
)
