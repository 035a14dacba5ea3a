"""The group-buy state machines: every allowed transition in one table.

Campaign:  draft ──activate──▶ active ──end (merchant, or the sweep at ends_at)──▶ ended

Group:     open ──N-th confirmed payment──────────────────────▶ succeeded  (every member's order released)
             ├──deadline, auto-complete on, ≥ 2 paid members──▶ succeeded  (unpaid members dropped)
             └──deadline, not filled──────────────────────────▶ failed     (every paid member refunded once)

Member:    pending ──payment confirmed──▶ paid ──group failed──▶ refunded
             └──order cancelled (timeout) / group closed──▶ left
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidTransition
from quanzi.groupbuy.models import CampaignStatus as C
from quanzi.groupbuy.models import GroupStatus as G
from quanzi.groupbuy.models import MemberStatus as M

CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    C.DRAFT: frozenset({C.ACTIVE, C.ENDED}),
    C.ACTIVE: frozenset({C.ENDED}),
    C.ENDED: frozenset(),
}

GROUP_TRANSITIONS: dict[str, frozenset[str]] = {
    G.OPEN: frozenset({G.SUCCEEDED, G.FAILED}),
    G.SUCCEEDED: frozenset(),
    G.FAILED: frozenset(),
}

MEMBER_TRANSITIONS: dict[str, frozenset[str]] = {
    M.PENDING: frozenset({M.PAID, M.LEFT}),
    M.PAID: frozenset({M.REFUNDED}),
    M.LEFT: frozenset({M.PENDING}),  # the same user joins the same group again after a timeout
    M.REFUNDED: frozenset(),
}

HOLDING_A_SPOT = frozenset({M.PENDING, M.PAID})


def _check(table: dict, current: str, target: str, code: str) -> None:
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(_("This cannot change from %(a)s to %(b)s.") % {"a": current, "b": target},
                                code=code, fields={"status": current})


def check_campaign_transition(current: str, target: str) -> None:
    _check(CAMPAIGN_TRANSITIONS, current, target, "invalid_campaign_state")


def check_group_transition(current: str, target: str) -> None:
    _check(GROUP_TRANSITIONS, current, target, "invalid_group_state")


def check_member_transition(current: str, target: str) -> None:
    _check(MEMBER_TRANSITIONS, current, target, "invalid_member_state")
