"""The cut algorithm: a pure function, no database, no clock (see docs/bargain.md for the proof).

A bargain has `expected` cut *slots*. With `remaining` = current price − floor (fen) and `slots_left`
= expected − slots used, the invariant is

    remaining ≥ slots_left          (every slot still to come can cut at least 1 fen)

It holds at the start (the campaign requires original − floor ≥ expected) and every draw keeps it:
a one-slot draw cuts 1 ≤ a ≤ remaining − (slots_left − 1), so afterwards remaining' ≥ slots_left − 1
= slots_left'. The last slot cuts exactly `remaining`, so when every slot is used the price is the
floor, never below it, and no cut is ever zero or negative.

The draw is "double the mean" (as red packets split money): uniform on [1, 2·mean] where mean =
⌊remaining / slots_left⌋, capped by the bound above, so cuts average the mean and vary visibly.
A new user's help (when the campaign gives the bonus) uses two slots at once — two draws added
up — so it cuts about twice as much and the floor may be reached with fewer helpers than expected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Cut:
    amount: int  # fen, ≥ 1
    slots: int  # slots this help uses (1, or 2 for a new user's bonus)


def _one_slot(remaining: int, slots_left: int, rng: random.Random) -> int:
    if slots_left <= 1:
        return remaining
    mean = remaining // slots_left  # ≥ 1 by the invariant
    high = min(remaining - (slots_left - 1), 2 * mean)
    return rng.randint(1, high)


def draw_cut(*, remaining: int, slots_left: int, rng: random.Random, is_new_user: bool = False) -> Cut:
    """The next help's cut. Requires 1 ≤ slots_left ≤ remaining (the invariant above)."""
    if isinstance(remaining, bool) or isinstance(slots_left, bool):
        raise TypeError("remaining and slots_left are whole numbers of fen and slots")
    if slots_left < 1 or remaining < slots_left:
        raise ValueError(f"no cut possible: remaining={remaining}, slots_left={slots_left}")
    slots = 2 if is_new_user and slots_left >= 2 else 1
    amount, left, rest = 0, slots_left, remaining
    for _ in range(slots):
        step = _one_slot(rest, left, rng)
        amount, rest, left = amount + step, rest - step, left - 1
    return Cut(amount=amount, slots=slots)
