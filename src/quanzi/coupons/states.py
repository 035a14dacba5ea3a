"""The coupon and coupon-template state machines (`core.states.StateMachine`).

Coupon:   available ─checkout places an order with it─▶ held ─the order is paid─▶ used
              ▲                                            │
              └──────the order is cancelled or times out───┘   (exactly once: a conditional UPDATE)
Template: live ⇄ paused; live/paused ─▶ ended (no more claims; claimed coupons stay usable until they expire)
Share reward: waiting ─order settles, not refunded in full─▶ granted (or gone: no reward units left)
                 └────order refunded in full───────────────▶ void
"""

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.coupons.constants import CouponStatus as C
from quanzi.coupons.constants import ShareRewardStatus as R
from quanzi.coupons.constants import TemplateStatus as T

COUPON = StateMachine("coupon", {
    C.AVAILABLE: {C.HELD},
    C.HELD: {C.AVAILABLE, C.USED},
    C.USED: set(),
}, code="invalid_coupon_state", message=_("A coupon cannot go from %(a)s to %(b)s."), labels=dict(C.choices))

TEMPLATE = StateMachine("coupon_template", {
    T.LIVE: {T.PAUSED, T.ENDED},
    T.PAUSED: {T.LIVE, T.ENDED},
    T.ENDED: set(),
}, code="invalid_template_state", message=_("A coupon cannot go from %(a)s to %(b)s."), labels=dict(T.choices))

SHARE_REWARD = StateMachine("coupon_share_reward", {
    R.WAITING: {R.GRANTED, R.VOID, R.GONE},
    R.GRANTED: set(),
    R.VOID: set(),
    R.GONE: set(),
}, code="invalid_reward_state", message=_("A share reward cannot go from %(a)s to %(b)s."), labels=dict(R.choices))
