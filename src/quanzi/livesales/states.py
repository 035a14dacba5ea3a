"""The live-sales state machines (`core.states.StateMachine`): services check them before every move.

Live price:       active ──host ends it, the sweep at ends_at, or the room ends──▶ ended
Host commission:  pending ──order settled──▶ available ──refund──▶ reversed
                     └──────────────refunded in full──────────────▶ reversed
Top-up:           created ──payment captured──▶ paid
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.livesales.constants import HostCommissionStatus as C
from quanzi.livesales.constants import LivePriceStatus as P
from quanzi.livesales.constants import TopUpStatus as T

CODE = "invalid_state"  # the code these refusals always had (InvalidTransition's own)

LIVE_PRICE = StateMachine("live_price", {P.ACTIVE: {P.ENDED}, P.ENDED: set()}, code=CODE,
                          message=_("A live price cannot go from %(a)s to %(b)s."), labels=dict(P.choices))
HOST_COMMISSION = StateMachine("host_commission", {
    C.PENDING: {C.AVAILABLE, C.REVERSED},
    C.AVAILABLE: {C.REVERSED},
    C.REVERSED: set(),
}, code=CODE, message=_("A host commission cannot go from %(a)s to %(b)s."), labels=dict(C.choices))
TOPUP = StateMachine("tip_topup", {T.CREATED: {T.PAID}, T.PAID: set()}, code=CODE,
                     message=_("A top-up cannot go from %(a)s to %(b)s."), labels=dict(T.choices))
