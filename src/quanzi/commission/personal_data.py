"""Personal data held by commission. Commissions are kept (ledger-backed), linked to the pseudonymised
users; the buyer's device, IP, address hash and payer id (fraud signals) are emptied. Commissions still
pending or held for the person block deletion."""

from django.db.models import Q
from django.utils.translation import gettext as _

from quanzi.commission.constants import CommissionStatus
from quanzi.commission.models import Commission, TierChange, UserTier
from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    return {
        "commissions": rows(Commission.objects.filter(beneficiary=user).order_by("-created_at"), "order__number",
                            "level", "amount", "reversed", "status", "created_at"),
        "tier": rows(UserTier.objects.filter(user=user), "tier__name"),
        "tier_changes": rows(TierChange.objects.filter(user=user), *[f.name for f in TierChange._meta.concrete_fields
                                                                     if f.name not in ("id", "user")]),
    }


def erase(user) -> None:
    Commission.objects.filter(Q(buyer=user) | Q(sharer=user)).update(device="", ip="", address_hash="", payer="")


def blockers(user) -> list[str]:
    waiting = Commission.objects.filter(beneficiary=user, status__in=[CommissionStatus.PENDING, CommissionStatus.HELD])
    if waiting.exists():
        return [_("%(n)s commission(s) are still pending; they become available after the return window.")
                % {"n": waiting.count()}]
    return []


declare(
    app="commission",
    personal={
        "commission.UserTier.user": "link", "commission.TierChange.user": "link",
        "commission.Commission.beneficiary": "link", "commission.Commission.sharer": "link",
        "commission.Commission.buyer": "link", "commission.Commission.device": "device",
        "commission.Commission.ip": "device", "commission.Commission.address_hash": "address",
        "commission.Commission.payer": "financial", "commission.CommissionHoldLog.actor": "link",
    },
    not_personal={
        "commission.CommissionSettings.max_orders_per_device": "a limit (a number)",
        "commission.CommissionSettings.max_orders_per_ip": "a limit (a number)",
        "commission.CommissionSettings.max_orders_per_address": "a limit (a number)",
        "commission.CommissionSettings.max_orders_per_payer": "a limit (a number)",
        "commission.Tier.name": "a tier of the programme (“Gold”)",
        "commission.JobRun.name": "the name of a background job",
        "commission.Commission.hold_reason": "the system's reason for holding (which signal fired)",
        "commission.CommissionHoldLog.reason": "the operator's or system's reason for a hold or release",
    },
    export=export, erase=erase, blockers=blockers,
)
