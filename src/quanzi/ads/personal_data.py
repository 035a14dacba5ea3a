"""Personal data held by ads: impressions and clicks seen by a person (device, IP, user agent, the search
query). Kept (billing), with those fields emptied; the viewer link goes."""

from quanzi.ads.models import AdClick, AdImpression, AdTopUp
from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    return {
        "ads_seen": AdImpression.objects.filter(viewer=user).count(),
        "ads_clicked": rows(AdClick.objects.filter(viewer=user), "campaign_id", "device", "ip", "user_agent",
                            "created_at"),
        "top_ups": rows(AdTopUp.objects.filter(user=user), *[f.name for f in AdTopUp._meta.concrete_fields
                                                             if f.name in ("number", "amount", "status", "created_at")]),
    }


def erase(user) -> None:
    AdImpression.objects.filter(viewer=user).update(viewer=None, device="", query="")
    AdClick.objects.filter(viewer=user).update(viewer=None, device="", ip="", user_agent="")


declare(
    app="ads",
    personal={
        "ads.AdTopUp.user": "link", "ads.AdCampaign.reviewed_by": "link", "ads.AdImpression.viewer": "activity",
        "ads.AdImpression.device": "device", "ads.AdImpression.query": "content", "ads.AdClick.viewer": "activity",
        "ads.AdClick.device": "device", "ads.AdClick.ip": "device", "ads.AdClick.user_agent": "device",
    },
    not_personal={
        "ads.AdCampaign.name": "a merchant's campaign name",
        "ads.AdCampaign.review_note": "the operator's review of a campaign",
        "ads.AdClick.reason": "why a click was not billed (a code)",
        "ads.AdClick.refund_note": "the operator's note on a refunded click",
    },
    export=export, erase=erase,
)
