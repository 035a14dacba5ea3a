"""Explicit transition tables of live-sales objects; services check them before every move."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidTransition
from quanzi.livesales.models import HostCommissionStatus as C
from quanzi.livesales.models import LivePriceStatus as P
from quanzi.livesales.models import TopUpStatus as T

LIVE_PRICE = {P.ACTIVE: {P.ENDED}, P.ENDED: set()}
HOST_COMMISSION = {C.PENDING: {C.AVAILABLE, C.REVERSED}, C.AVAILABLE: {C.REVERSED}, C.REVERSED: set()}
TOPUP = {T.CREATED: {T.PAID}, T.PAID: set()}


def _check(table: dict, current: str, target: str, what: str) -> None:
    if target not in table.get(current, set()):
        raise InvalidTransition(_("A %(w)s cannot go from %(a)s to %(b)s.") % {"w": what, "a": current, "b": target},
                                fields={"status": str(current)})


def check_live_price_transition(current: str, target: str) -> None:
    _check(LIVE_PRICE, current, target, "live price")


def check_host_commission_transition(current: str, target: str) -> None:
    _check(HOST_COMMISSION, current, target, "host commission")


def check_topup_transition(current: str, target: str) -> None:
    _check(TOPUP, current, target, "top-up")
