"""The money rules of live-room sales, as pure functions (no database; tested with hypothesis).

Rounding rule (one rule, core.money.apply_rate rounds down):
- tip split: host = floor(amount × host_bps / 10000); platform = amount − host. The fraction of a fen
  goes to the platform (`revenue:tips`), so host + platform == amount exactly, always.
- host commission: floor(line total × rate / 10000), never above the line total. The merchant, who
  pays it, keeps the fraction of a fen.
- reversal on refund: the host keeps at most floor(commission × kept / line total); what is taken back
  is rounded UP, so the host never keeps more than the kept share of the sale earns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from quanzi.core.money import BPS_DENOMINATOR, apply_rate

ADULT_AGE = 18  # tipping and top-ups: 18 or over (2022 rules on live tipping)
MAX_HOST_COMMISSION_BPS = 3000  # 30 %: the same ceiling as distribution commission
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class TipSplit:
    host: int
    platform: int


def split_tip(amount: int, host_bps: int) -> TipSplit:
    """Split a tip between the host and the platform; the remainder of the rounding goes to the platform."""
    if amount < 0:
        raise ValueError("a tip is not negative")
    host = apply_rate(amount, min(max(host_bps, 0), BPS_DENOMINATOR))
    return TipSplit(host=host, platform=amount - host)


def host_commission(base: int, rate_bps: int) -> int:
    """The host's commission on a line that cost the buyer `base` fen (rounded down, capped at 30 %)."""
    if base <= 0 or rate_bps <= 0:
        return 0
    return min(apply_rate(base, min(rate_bps, MAX_HOST_COMMISSION_BPS)), base)


def reversal_target(*, amount: int, line_total: int, refunded_amount: int) -> int:
    """How much of a commission is taken back once `refunded_amount` of the line is refunded (ceil)."""
    if amount <= 0 or refunded_amount <= 0:
        return 0
    if line_total <= 0 or refunded_amount >= line_total:
        return amount
    return min(amount, -(-amount * refunded_amount // line_total))


def remaining_for_user(*, per_user_limit: int, already: int) -> int:
    """Units a viewer may still buy at a live price."""
    return max(0, per_user_limit - max(already, 0))


def day_start(now: dt.datetime) -> dt.datetime:
    """The start (as an aware datetime) of `now`'s calendar day in Asia/Shanghai: the daily tip limit's day."""
    local = now.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def mask_nickname(name: str) -> str:
    """What other viewers see of a buyer in "X just bought …": first character + ** (privacy)."""
    name = (name or "").strip()
    if not name:
        return "**"
    return name[0] + "**"
