"""The bargain state machines (`core.states.StateMachine`): every allowed transition in one table.

Campaign:  draft ──activate──▶ active ──end (merchant, or the sweep at ends_at)──▶ ended

Bargain:   open ──last cut slot used──▶ floor_reached
             │                              │
             ├──order placed (buy)──────────┴──▶ bought ──order cancelled unpaid──▶ open / floor_reached
             │                                                   (or expired when its time is up)
             └──expires_at passed, or the campaign ended──▶ expired
"""

from __future__ import annotations

from quanzi.bargain.constants import BargainStatus as B
from quanzi.bargain.constants import CampaignStatus as C
from quanzi.core.states import StateMachine

CAMPAIGN = StateMachine("bargain_campaign", {
    C.DRAFT: {C.ACTIVE, C.ENDED},
    C.ACTIVE: {C.ENDED},
    C.ENDED: set(),
}, code="invalid_campaign_state", labels=dict(C.choices))

BARGAIN = StateMachine("bargain", {
    B.OPEN: {B.FLOOR_REACHED, B.BOUGHT, B.EXPIRED},
    B.FLOOR_REACHED: {B.BOUGHT, B.EXPIRED},
    B.BOUGHT: {B.OPEN, B.FLOOR_REACHED, B.EXPIRED},  # only when its order is cancelled unpaid
    B.EXPIRED: set(),
}, code="invalid_bargain_state", labels=dict(B.choices))
