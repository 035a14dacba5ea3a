"""The group-buy state machines (`core.states.StateMachine`): every allowed transition in one table.

Campaign:  draft ──activate──▶ active ──end (merchant, or the sweep at ends_at)──▶ ended

Group:     open ──N-th confirmed payment──────────────────────▶ succeeded  (every member's order released)
             ├──deadline, auto-complete on, ≥ 2 paid members──▶ succeeded  (unpaid members dropped)
             └──deadline, not filled──────────────────────────▶ failed     (every paid member refunded once)

Member:    pending ──payment confirmed──▶ paid ──group failed──▶ refunded
             └──order cancelled (timeout) / group closed──▶ left
"""

from __future__ import annotations

from quanzi.core.states import StateMachine
from quanzi.groupbuy.constants import CampaignStatus as C
from quanzi.groupbuy.constants import GroupStatus as G
from quanzi.groupbuy.constants import MemberStatus as M

CAMPAIGN = StateMachine("groupbuy_campaign", {
    C.DRAFT: {C.ACTIVE, C.ENDED},
    C.ACTIVE: {C.ENDED},
    C.ENDED: set(),
}, code="invalid_campaign_state", labels=dict(C.choices))

GROUP = StateMachine("groupbuy_group", {
    G.OPEN: {G.SUCCEEDED, G.FAILED},
    G.SUCCEEDED: set(),
    G.FAILED: set(),
}, code="invalid_group_state", labels=dict(G.choices))

MEMBER = StateMachine("groupbuy_member", {
    M.PENDING: {M.PAID, M.LEFT},
    M.PAID: {M.REFUNDED},
    M.LEFT: {M.PENDING},  # the same user joins the same group again after a timeout
    M.REFUNDED: set(),
}, code="invalid_member_state", labels=dict(M.choices))

HOLDING_A_SPOT = frozenset({M.PENDING, M.PAID})
