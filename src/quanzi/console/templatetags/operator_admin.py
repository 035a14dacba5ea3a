"""The operator's to-do list on the admin index: what waits for a decision."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.commission.models import Commission, CommissionStatus
from quanzi.orders.models import AfterSale, AfterSaleStatus
from quanzi.settlement.models import Payout, PayoutStatus
from quanzi.shops.models import Shop, ShopStatus
from quanzi.wallet.models import Withdrawal, WithdrawalStatus

register = template.Library()


@register.inclusion_tag("admin/quanzi/todo.html")
def operator_todo():
    return {"items": [
        {"label": _("Shops waiting for review"), "testid": "todo-shops",
         "count": Shop.objects.filter(status=ShopStatus.APPLIED).count(),
         "url": reverse("admin:shops_shop_changelist") + f"?status__exact={ShopStatus.APPLIED}"},
        {"label": _("After-sales disputes for the platform"), "testid": "todo-escalated",
         "count": AfterSale.objects.filter(status=AfterSaleStatus.ESCALATED).count(),
         "url": reverse("admin:orders_aftersale_changelist") + "?escalated=yes"},
        {"label": _("Payout requests"), "testid": "todo-payouts",
         "count": Payout.objects.filter(status=PayoutStatus.REQUESTED).count(),
         "url": reverse("admin:settlement_payout_changelist") + f"?status__exact={PayoutStatus.REQUESTED}"},
        {"label": _("Withdrawals waiting for approval"), "testid": "todo-withdrawals",
         "count": Withdrawal.objects.filter(status=WithdrawalStatus.REQUESTED).count(),
         "url": reverse("admin:wallet_withdrawal_changelist") + f"?status__exact={WithdrawalStatus.REQUESTED}"},
        {"label": _("Commissions held for review"), "testid": "todo-held-commissions",
         "count": Commission.objects.filter(status=CommissionStatus.HELD).count(),
         "url": reverse("admin:commission_commission_changelist") + f"?status__exact={CommissionStatus.HELD}"},
    ]}
