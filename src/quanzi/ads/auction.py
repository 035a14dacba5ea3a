"""The sponsored-listing auction and budget pacing, as pure functions (no ORM, no clock, no randomness of
their own): the serving selector feeds them plain values, and tests drive them with hypothesis.

Ranking (docs/ads.md): every eligible ad's score is its bid × its predicted click rate (its *quality*);
ads are ranked by score. Generalised second price (Edelman, Ostrovsky & Schwarz 2007): a winner pays
the least bid that would still have kept its rank, the next ad's score divided by its own quality,
rounded down to the fen plus ¥0.01, never more than its bid and never less than the reserve price.

Quality is a smoothed click rate: a Beta prior per placement (α prior clicks in α+β prior
impressions) updated with the ad's observed clicks and impressions, (clicks + α) / (impressions + α + β),
so a new ad starts at the placement's average instead of 0 or 1. It is an exact `Fraction`: scores and
prices never go through floats.

Pacing (throttling, after Agarwal et al., KDD 2014): a campaign whose budget left fraction is at least
the day left fraction always takes part; one spending faster than the day passes is throttled, more the
further ahead it is, and stops once it is `PACING_BAND` of its budget ahead (`participates`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from zoneinfo import ZoneInfo

INCREMENT = 1  # fen: the "+ ¥0.01" of the second price
DAY_SECONDS = 24 * 3600
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Prior:
    """A placement's Beta prior as pseudo-counts: `clicks` (α) in `impressions` (α + β)."""

    clicks: int
    impressions: int

    def __post_init__(self):
        if not 0 < self.clicks < self.impressions:
            raise ValueError("a prior needs 0 < clicks < impressions")


def predicted_ctr(*, clicks: int, impressions: int, prior: Prior) -> Fraction:
    """The smoothed click rate (clicks + α) / (impressions + α + β); clicks are clamped to [0, impressions]."""
    impressions = max(int(impressions), 0)
    clicks = min(max(int(clicks), 0), impressions)
    return Fraction(clicks + prior.clicks, impressions + prior.impressions)


@dataclass(frozen=True)
class Bidder:
    """One ad in an auction. `key` identifies it and breaks exact ties (smaller first); it must be orderable."""

    key: Hashable
    bid: int  # max cost per click, fen
    quality: Fraction  # predicted click rate, 0 < quality ≤ 1


@dataclass(frozen=True)
class Award:
    key: Hashable
    rank: int  # 1 = the top sponsored slot
    bid: int
    quality: Fraction
    score: Fraction
    price: int  # what a click costs, fen


def score(bidder: Bidder) -> Fraction:
    return bidder.bid * bidder.quality


def rank(bidders: Iterable[Bidder], *, reserve: int) -> list[Bidder]:
    """The eligible bidders (bid ≥ reserve, bid and quality positive), best score first; exact ties go to
    the higher bid, then the smaller key."""
    eligible = [b for b in bidders if b.bid >= max(reserve, 1) and b.quality > 0]
    return sorted(eligible, key=lambda b: (-score(b), -b.bid, b.key))


def second_price(*, own: Bidder, next_bidder: Bidder | None, reserve: int) -> int:
    """What `own` pays per click: the next score over its own quality, rounded down, plus ¥0.01; the
    reserve when nobody is below it; never above its bid, never below the reserve."""
    if next_bidder is None:
        needed = reserve
    else:
        needed = (score(next_bidder) / own.quality).__floor__() + INCREMENT
    return min(own.bid, max(reserve, needed))


def run_auction(bidders: Iterable[Bidder], *, reserve: int, slots: int) -> list[Award]:
    """The winners of `slots` sponsored places, top first, each with its generalised second price."""
    if slots <= 0:
        return []
    ranked = rank(bidders, reserve=reserve)
    awards = []
    for i, b in enumerate(ranked[:slots]):
        nxt = ranked[i + 1] if i + 1 < len(ranked) else None
        awards.append(Award(key=b.key, rank=i + 1, bid=b.bid, quality=b.quality, score=score(b),
                            price=second_price(own=b, next_bidder=nxt, reserve=reserve)))
    return awards


# ---------------------------------------------------------------- pacing

PACING_BAND = Fraction(1, 20)  # how far (as a share of the budget) spend may run ahead of the clock


def participates(*, budget_left: int, budget: int, day_seconds_left: int, u: float,
                 day_seconds: int = DAY_SECONDS, band: Fraction = PACING_BAND) -> bool:
    """Whether a campaign takes part in one auction. `u` is a uniform draw in [0, 1) supplied by the caller
    (deterministic given it). Nothing left → never; at or behind schedule (budget left fraction ≥ day left
    fraction) → always; ahead of it by a gap g (day left − budget left, as fractions) → with probability
    1 − g / band, so never once spend is `band` of the budget ahead of the clock. Spend then follows the
    day however much traffic the campaign could win: a small budget lasts until the evening instead of
    running out at 10:00, and an under-spending campaign is never held back."""
    if budget <= 0 or budget_left <= 0:
        return False
    day_seconds_left = min(max(int(day_seconds_left), 1), day_seconds)
    gap = Fraction(day_seconds_left, day_seconds) - Fraction(min(budget_left, budget), budget)
    if gap <= 0:
        return True
    if gap >= band:
        return False
    return u < 1 - gap / band


def seconds_left_in_day(now: dt.datetime) -> int:
    """Seconds until the next midnight in Asia/Shanghai (the budgets' day), at least 1."""
    local = now.astimezone(SHANGHAI)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(int((midnight - local).total_seconds()), 1)


def budget_day(now: dt.datetime) -> dt.date:
    """The budgets' calendar day (Asia/Shanghai)."""
    return now.astimezone(SHANGHAI).date()
