"""The ads state machines (`core.states.StateMachine`): services check them under the row's lock.

Campaign:  draft ──activate──▶ active ⇄ paused          (pause / resume)
             │                   │        │
             └──────end──────────┴────────┴──▶ ended    (final)
Top-up:    created ──payment captured──▶ paid
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.ads.constants import CampaignStatus as C
from quanzi.ads.constants import TopUpStatus as T
from quanzi.core.states import StateMachine

CAMPAIGN = StateMachine("ad_campaign", {
    C.DRAFT: {C.ACTIVE, C.ENDED},
    C.ACTIVE: {C.PAUSED, C.ENDED},
    C.PAUSED: {C.ACTIVE, C.ENDED},
    C.ENDED: set(),
}, code="invalid_campaign_state", message=_("A campaign cannot go from %(a)s to %(b)s."), labels=dict(C.choices))

TOPUP = StateMachine("ads_topup", {T.CREATED: {T.PAID}, T.PAID: set()}, code="invalid_state",
                     message=_("A top-up cannot go from %(a)s to %(b)s."), labels=dict(T.choices))
