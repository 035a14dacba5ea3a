"""The flash-sale state machines (`core.states.StateMachine`): every allowed transition in one table.

Sale:         draft ──publish (stock moves into the pools)──▶ published ──end / sweep at ends_at──▶ ended
                └──────────────────────────── end ───────────────────────────────────────────────▶ ended

Reservation:  reserved ──order written──▶ ordered ──order paid──▶ paid
                 │                            └──order cancelled (not paid in time)──▶ expired
                 ├──not ordered in time (sweep)──────────────────────────────────────▶ expired
                 └──the order could not be written──────────────────────────────────▶ released
Every move out of reserved/ordered other than to paid puts the units back in the sale's pool and
lowers the buyer's count, exactly once (the move is made under the reservation's row lock).
"""

from __future__ import annotations

from quanzi.core.states import StateMachine
from quanzi.flashsale.constants import ReservationStatus as R
from quanzi.flashsale.constants import SaleStatus as S

SALE = StateMachine("flash_sale", {
    S.DRAFT: {S.PUBLISHED, S.ENDED},
    S.PUBLISHED: {S.ENDED},
    S.ENDED: set(),
}, code="invalid_sale_state", labels=dict(S.choices))

RESERVATION = StateMachine("flash_reservation", {
    R.RESERVED: {R.ORDERED, R.EXPIRED, R.RELEASED},
    R.ORDERED: {R.PAID, R.EXPIRED},
    R.PAID: set(),
    R.EXPIRED: set(),
    R.RELEASED: set(),
}, code="invalid_reservation_state", labels=dict(R.choices))

RETURNS_UNITS = frozenset({R.EXPIRED, R.RELEASED})  # moves that give the units back to the sale
