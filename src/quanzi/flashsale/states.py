"""The flash-sale state machines: every allowed transition in one table.

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

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidTransition
from quanzi.flashsale.models import ReservationStatus as R
from quanzi.flashsale.models import SaleStatus as S

SALE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED, S.ENDED}),
    S.PUBLISHED: frozenset({S.ENDED}),
    S.ENDED: frozenset(),
}

RESERVATION_TRANSITIONS: dict[str, frozenset[str]] = {
    R.RESERVED: frozenset({R.ORDERED, R.EXPIRED, R.RELEASED}),
    R.ORDERED: frozenset({R.PAID, R.EXPIRED}),
    R.PAID: frozenset(),
    R.EXPIRED: frozenset(),
    R.RELEASED: frozenset(),
}

RETURNS_UNITS = frozenset({R.EXPIRED, R.RELEASED})  # moves that give the units back to the sale


def _check(table: dict, current: str, target: str, code: str) -> None:
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(_("This cannot change from %(a)s to %(b)s.") % {"a": current, "b": target},
                                code=code, fields={"status": current})


def check_sale_transition(current: str, target: str) -> None:
    _check(SALE_TRANSITIONS, current, target, "invalid_sale_state")


def check_reservation_transition(current: str, target: str) -> None:
    _check(RESERVATION_TRANSITIONS, current, target, "invalid_reservation_state")
