"""Money is integer fen. Rates are basis points. One rounding rule, written down once.

Rounding rule (tested in core/tests/test_money.py):
- `apply_rate(amount, bps)` rounds *down* (toward zero for positive amounts). Whoever pays the
  rate (the merchant paying the take rate, the platform paying a commission) keeps the fraction
  of a fen; the caller books `amount - apply_rate(...)` to the other side, so nothing disappears.
- `allocate(total, weights)` splits a total in proportion to weights with the largest-remainder
  method: the parts always sum exactly to the total, and ties go to the earliest weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

BPS_DENOMINATOR = 10_000
CNY = "CNY"


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str = CNY

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int number of fen")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def as_dict(self) -> dict:
        return {"amount": self.amount, "currency": self.currency}

    def __str__(self) -> str:
        return format_yuan(self.amount)


def apply_rate(amount: int, bps: int) -> int:
    """Return `amount * bps / 10000` rounded down, for non-negative amount and bps."""
    if amount < 0 or bps < 0:
        raise ValueError("apply_rate takes a non-negative amount and rate")
    if bps > BPS_DENOMINATOR:
        raise ValueError("a rate above 100% is not a rate")
    return amount * bps // BPS_DENOMINATOR


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights` so the parts sum to `total` exactly."""
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        parts = [0] * len(weights)
        parts[0] = total
        return parts
    floors = [total * w // weight_sum for w in weights]
    remainders = [(total * w % weight_sum, -i) for i, w in enumerate(weights)]
    leftover = total - sum(floors)
    for _, neg_index in sorted(remainders, reverse=True)[:leftover]:
        floors[-neg_index] += 1
    return floors


def format_yuan(fen: int) -> str:
    """12345 -> '123.45' (no symbol); negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


# The largest amount anyone may type or send (fen): ¥10 billion, above any price, balance or payout, and
# far enough below a BIGINT column's 9.2 × 10^18 that sums and products of many amounts stay in range.
MAX_AMOUNT = 10**12

_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,16}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})")  # ASCII digits: int("１２") is 12


def yuan_to_fen(text: str) -> int:
    """Parse a yuan string ('12.30') into fen exactly; ValueError for anything else: more than two
    decimals, exponents ('1e400', '1e30'), NaN, non-ASCII digits, more than 16 digits before the point (so
    the result always fits a BIGINT), garbage."""
    text = str(text).strip()
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise ValueError(f"not an amount: {text[:40]!r}")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):  # pragma: no cover - the pattern lets only plain decimals through
        raise ValueError(f"not an amount: {text[:40]!r}")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"not an amount with at most two decimals: {text[:40]!r}")
    return int(fen.to_integral_value(rounding=ROUND_HALF_UP))


def check_amount(fen: int, field: str = "amount", *, minimum: int = 0, maximum: int = MAX_AMOUNT) -> int:
    """`fen` if it is a whole number of fen within [minimum, maximum]; else ValueError naming the field."""
    if isinstance(fen, bool) or not isinstance(fen, int) or not minimum <= fen <= maximum:
        raise ValueError(f"{field}: an amount from {minimum} to {maximum} fen")
    return fen
