"""The bargain state machines: every allowed transition in one table.

Campaign:  draft ──activate──▶ active ──end (merchant, or the sweep at ends_at)──▶ ended

Bargain:   open ──last cut slot used──▶ floor_reached
             │                              │
             ├──order placed (buy)──────────┴──▶ bought ──order cancelled unpaid──▶ open / floor_reached
             │                                                   (or expired when its time is up)
             └──expires_at passed, or the campaign ended──▶ expired
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.bargain.models import BargainStatus as B
from quanzi.bargain.models import CampaignStatus as C
from quanzi.core.errors import InvalidTransition

CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    C.DRAFT: frozenset({C.ACTIVE, C.ENDED}),
    C.ACTIVE: frozenset({C.ENDED}),
    C.ENDED: frozenset(),
}

BARGAIN_TRANSITIONS: dict[str, frozenset[str]] = {
    B.OPEN: frozenset({B.FLOOR_REACHED, B.BOUGHT, B.EXPIRED}),
    B.FLOOR_REACHED: frozenset({B.BOUGHT, B.EXPIRED}),
    B.BOUGHT: frozenset({B.OPEN, B.FLOOR_REACHED, B.EXPIRED}),  # only when its order is cancelled unpaid
    B.EXPIRED: frozenset(),
}


def _check(table: dict, current: str, target: str, code: str) -> None:
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(_("This cannot change from %(a)s to %(b)s.") % {"a": current, "b": target},
                                code=code, fields={"status": current})


def check_campaign_transition(current: str, target: str) -> None:
    _check(CAMPAIGN_TRANSITIONS, current, target, "invalid_campaign_state")


def check_bargain_transition(current: str, target: str) -> None:
    _check(BARGAIN_TRANSITIONS, current, target, "invalid_bargain_state")
