"""The auction and pacing are pure functions: properties over any bids and click histories (hypothesis),
and worked examples."""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quanzi.ads.auction import Bidder, Prior, participates, predicted_ctr, rank, run_auction, score

qualities = st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000)
bidders = st.lists(st.tuples(st.integers(min_value=1, max_value=5000), qualities), min_size=0, max_size=8) \
    .map(lambda rows: [Bidder(key=i, bid=b, quality=q) for i, (b, q) in enumerate(rows)])
reserves = st.integers(min_value=1, max_value=300)
slot_counts = st.integers(min_value=0, max_value=4)


@given(bidders, reserves, slot_counts)
def test_every_price_is_between_the_reserve_and_the_bid(field, reserve, slots):
    for award in run_auction(field, reserve=reserve, slots=slots):
        assert reserve <= award.price <= award.bid


@given(bidders, reserves, slot_counts)
def test_winners_are_the_best_scores_in_order_and_no_more_than_the_slots(field, reserve, slots):
    awards = run_auction(field, reserve=reserve, slots=slots)
    eligible = [b for b in field if b.bid >= reserve]
    assert len(awards) == min(slots, len(eligible))
    assert [a.rank for a in awards] == list(range(1, len(awards) + 1))
    assert all(x.score >= y.score for x, y in zip(awards, awards[1:], strict=False))
    won = {a.key for a in awards}
    losers = [b for b in eligible if b.key not in won]
    assert all(a.score >= score(b) for a in awards for b in losers)
    assert all(b.bid >= reserve for b in field if b.key in won)  # nobody below the reserve ever wins


@given(bidders, reserves, slot_counts, st.data())
def test_a_winner_price_does_not_depend_on_its_own_bid(field, reserve, slots, data):
    """GSP: change a winner's bid to anything that keeps its rank (and covers its price) — it pays the same."""
    awards = run_auction(field, reserve=reserve, slots=slots)
    assume(awards)
    award = data.draw(st.sampled_from(awards))
    assume(award.price < award.bid)  # the cap at the bid is not binding
    new_bid = data.draw(st.integers(min_value=award.price, max_value=10_000))
    changed = [Bidder(key=b.key, bid=new_bid, quality=b.quality) if b.key == award.key else b for b in field]
    again = {a.key: a for a in run_auction(changed, reserve=reserve, slots=slots)}
    assume(award.key in again and again[award.key].rank == award.rank)
    assert again[award.key].price == award.price


@given(bidders, reserves, st.data())
def test_paying_its_price_as_its_bid_a_winner_keeps_its_place(field, reserve, data):
    """The price is the least bid that keeps the rank: bidding exactly the price still wins that rank
    (and a fen less would lose it, unless the reserve is the limit)."""
    awards = run_auction(field, reserve=reserve, slots=len(field))
    assume(awards)
    award = data.draw(st.sampled_from(awards))
    at_price = [Bidder(key=b.key, bid=award.price, quality=b.quality) if b.key == award.key else b for b in field]
    ranked = [b.key for b in rank(at_price, reserve=reserve)]
    assert ranked.index(award.key) <= award.rank - 1 or award.price == award.bid


def test_worked_example_second_price_over_quality_plus_one_fen():
    # A bids ¥1.00 at 5 % CTR (score 5), B ¥2.00 at 2 % (score 4), C ¥0.50 at 4 % (score 2); reserve ¥0.10.
    field = [Bidder("A", 100, Fraction(5, 100)), Bidder("B", 200, Fraction(2, 100)), Bidder("C", 50, Fraction(4, 100))]
    a, b = run_auction(field, reserve=10, slots=2)
    assert (a.key, a.price) == ("A", 81)  # 4 / 0.05 = 80 → 80 + 1
    assert (b.key, b.price) == ("B", 101)  # 2 / 0.02 = 100 → 100 + 1
    [alone] = run_auction([Bidder("A", 100, Fraction(5, 100))], reserve=10, slots=2)
    assert alone.price == 10  # nobody below: the reserve
    assert run_auction([Bidder("A", 9, Fraction(1, 2))], reserve=10, slots=2) == []


def test_exact_ties_go_to_the_higher_bid_then_the_smaller_key_and_the_price_never_passes_the_bid():
    field = [Bidder(2, 100, Fraction(1, 10)), Bidder(1, 100, Fraction(1, 10)), Bidder(3, 200, Fraction(1, 20))]
    awards = run_auction(field, reserve=1, slots=3)
    assert [a.key for a in awards] == [3, 1, 2]
    assert [a.price for a in awards] == [200, 100, 1]


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.integers(min_value=1, max_value=50), st.integers(min_value=2, max_value=1000))
def test_the_smoothed_click_rate_is_a_probability_and_starts_at_the_prior(clicks, impressions, a, ab):
    assume(a < ab)
    prior = Prior(clicks=a, impressions=ab)
    ctr = predicted_ctr(clicks=clicks, impressions=impressions, prior=prior)
    assert 0 < ctr <= 1
    assert predicted_ctr(clicks=0, impressions=0, prior=prior) == Fraction(a, ab)


def test_more_clicks_on_the_same_impressions_mean_a_higher_quality():
    prior = Prior(clicks=2, impressions=100)
    assert predicted_ctr(clicks=30, impressions=500, prior=prior) > predicted_ctr(clicks=3, impressions=500, prior=prior)
    with pytest.raises(ValueError):
        Prior(clicks=0, impressions=10)


# ---------------------------------------------------------------- pacing

@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6),
       st.integers(min_value=1, max_value=86400), st.floats(min_value=0, max_value=0.999999))
def test_pacing_is_deterministic_never_spends_nothing_and_never_holds_back_an_on_schedule_campaign(left, budget,
                                                                                                   day_left, u):
    left = min(left, budget)
    decision = participates(budget_left=left, budget=budget, day_seconds_left=day_left, u=u)
    assert decision == participates(budget_left=left, budget=budget, day_seconds_left=day_left, u=u)
    if left == 0:
        assert decision is False
    elif left * 86400 >= budget * day_left:
        assert decision is True


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=86400),
       st.floats(min_value=0, max_value=0.999999))
def test_pacing_is_monotone_in_the_budget_left(budget, day_left, u):
    decisions = [participates(budget_left=x, budget=budget, day_seconds_left=day_left, u=u)
                 for x in sorted({1, budget // 4 or 1, budget // 2 or 1, budget})]
    assert decisions == sorted(decisions)  # False… then True…


def test_pacing_spreads_a_small_budget_over_the_day():
    """Even traffic of 1,000 auctions a day, half of them won at 1 fen a click; a budget of 200 fen. Unpaced it
    is gone by 10:00; paced, spend follows the clock (within the 5 % band) and lasts into the evening."""
    import random

    rng = random.Random(7)
    budget, spent, spend_by_hour = 200, 0, {}
    for i in range(1000):
        second = i * 86400 // 1000
        if participates(budget_left=budget - spent, budget=budget, day_seconds_left=86400 - second, u=rng.random()) \
                and rng.random() < 0.5:  # it wins half the auctions it enters
            spent += 1
        spend_by_hour[second // 3600] = spent
    for hour, spent_by_then in spend_by_hour.items():
        assert spent_by_then <= budget * (hour + 1) / 24 + budget / 20 + 1  # never ahead of the clock + band
    assert spend_by_hour[5] < 70 and spend_by_hour[11] < 120  # a quarter by 06:00, half by noon
    assert spend_by_hour[20] < budget  # still something left in the evening
    assert 180 <= spent <= budget  # and most of it is spent by midnight


@settings(max_examples=50)
@given(bidders, reserves)
def test_zero_slots_or_no_eligible_bidders_mean_no_ads(field, reserve):
    assert run_auction(field, reserve=reserve, slots=0) == []
    assert run_auction([b for b in field if b.bid < reserve], reserve=reserve, slots=3) == []
