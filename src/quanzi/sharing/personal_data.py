"""Personal data held by sharing. Links, conversions and the upline tree stay (commissions were paid on
them: accounting), linked to the pseudonymised user; the IP and device of the person's clicks are
emptied and their attribution bindings (who sent them to a product) go."""

from quanzi.core.personal_data import declare, rows
from quanzi.sharing.models import (
    AttributionBinding,
    Invitation,
    ShareClick,
    ShareConversion,
    ShareLink,
    Upline,
)


def export(user) -> dict:
    return {
        "share_links": rows(ShareLink.objects.filter(sharer=user), "code", "target_type", "target_id", "created_at"),
        "clicks": rows(ShareClick.objects.filter(user=user), "link__code", "ip", "device", "at"),
        "conversions_as_sharer": rows(ShareConversion.objects.filter(sharer=user), "order_id", "amount", "at"),
        "invitation": rows(Invitation.objects.filter(user=user), "code", "created_at"),
        "upline": rows(Upline.objects.filter(user=user), "upline__uid", "bound_at", "via"),
        "team_size": Upline.objects.filter(upline=user).count(),
    }


def erase(user) -> None:
    ShareClick.objects.filter(user=user).update(ip=None, device="", session_key="")
    AttributionBinding.objects.filter(user=user).delete()


declare(
    app="sharing",
    personal={
        "sharing.ShareLink.sharer": "link", "sharing.ShareClick.user": "link", "sharing.ShareClick.ip": "device",
        "sharing.ShareClick.device": "device", "sharing.AttributionBinding.user": "activity",
        "sharing.AttributionBinding.sharer": "link", "sharing.ShareConversion.sharer": "link",
        "sharing.ShareConversion.buyer": "link", "sharing.Invitation.user": "link", "sharing.Upline.user": "link",
        "sharing.Upline.upline": "link",
    },
    export=export, erase=erase,
)
