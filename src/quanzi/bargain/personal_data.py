"""Personal data held by bargain: bargains started and helped. Kept (orders and stock pools refer to
them), linked to the pseudonymised user."""

from quanzi.bargain.models import Bargain, BargainHelp
from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    return {"bargains": rows(Bargain.objects.filter(starter=user), "id", "status", "created_at"),
            "helped": rows(BargainHelp.objects.filter(helper=user), "bargain_id", "created_at")}


def erase(user) -> None:
    """Nothing to empty: the rows hold only the link to the (pseudonymised) user."""


declare(app="bargain", personal={"bargain.Bargain.starter": "link", "bargain.BargainHelp.helper": "link",
                                 "bargain.HelperDay.helper": "link"},
        not_personal={"bargain.BargainCampaign.title": "a campaign written by the merchant"},
        export=export, erase=erase)
