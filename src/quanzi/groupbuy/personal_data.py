"""Personal data held by groupbuy: which groups the person led or joined. Kept (their orders and refunds
are tied to them), linked to the pseudonymised user."""

from quanzi.core.personal_data import declare, rows
from quanzi.groupbuy.models import Group, GroupMember


def export(user) -> dict:
    return {"groups_led": rows(Group.objects.filter(leader=user), "id", "status", "created_at"),
            "memberships": rows(GroupMember.objects.filter(user=user), "group_id", "status", "joined_at")}


def erase(user) -> None:
    """Nothing to empty: the rows hold only the link to the (pseudonymised) user."""


declare(app="groupbuy", personal={"groupbuy.Group.leader": "link", "groupbuy.GroupMember.user": "link"},
        not_personal={"groupbuy.GroupCampaign.title": "a campaign written by the merchant"},
        export=export, erase=erase)
