"""The shop review state machine (core.states): a merchant applies, the operator approves or
rejects; an approved shop can be suspended and approved again; a rejected one is corrected and
resubmitted (back to applied) or approved after all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.shops.constants import ShopStatus as S

SHOP_REVIEW = StateMachine("shop_review", {
    S.APPLIED: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.SUSPENDED},
    S.REJECTED: {S.APPROVED, S.APPLIED},
    S.SUSPENDED: {S.APPROVED},
}, code="invalid_state", message=_("This shop cannot move from %(a)s to %(b)s."))
