"""The cut algorithm's properties, for any prices, helps and new-user patterns."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quanzi.bargain.cuts import draw_cut


def run(remaining: int, expected: int, new_users: list[bool], seed: int) -> list:
    rng = random.Random(seed)
    cuts, slots_left, i = [], expected, 0
    while slots_left > 0:
        new = new_users[i % len(new_users)] if new_users else False
        cut = draw_cut(remaining=remaining, slots_left=slots_left, rng=rng, is_new_user=new)
        assert cut.amount >= 1
        assert cut.slots in (1, 2) and cut.slots <= slots_left
        remaining -= cut.amount
        slots_left -= cut.slots
        assert remaining >= slots_left  # every later slot can still cut ≥ 1 fen: never below the floor
        cuts.append(cut)
        i += 1
    assert remaining == 0
    return cuts


@settings(max_examples=400, deadline=None)
@given(expected=st.integers(2, 100), extra=st.integers(0, 10**7), new_users=st.lists(st.booleans(), max_size=30),
       seed=st.integers(0, 2**32))
def test_the_price_reaches_the_floor_exactly_and_every_cut_is_positive(expected, extra, new_users, seed):
    remaining = expected + extra  # the campaign requires original − floor ≥ expected
    cuts = run(remaining, expected, new_users, seed)
    assert sum(c.amount for c in cuts) == remaining
    assert sum(c.slots for c in cuts) == expected
    assert len(cuts) <= expected


@settings(max_examples=200, deadline=None)
@given(expected=st.integers(2, 100), extra=st.integers(0, 10**6), seed=st.integers(0, 2**32))
def test_without_new_users_it_takes_exactly_the_expected_helps(expected, extra, seed):
    cuts = run(expected + extra, expected, [], seed)
    assert len(cuts) == expected


@given(expected=st.integers(2, 100), seed=st.integers(0, 2**32), new_users=st.lists(st.booleans(), max_size=10))
def test_one_fen_per_help_when_the_gap_equals_the_helps(expected, seed, new_users):
    cuts = run(expected, expected, new_users, seed)
    assert all(c.amount == c.slots for c in cuts)


def test_new_users_cut_about_twice_as_much_and_finish_sooner():
    rng = random.Random(1)
    normal = [draw_cut(remaining=10_000, slots_left=10, rng=rng).amount for _ in range(2000)]
    bonus = [draw_cut(remaining=10_000, slots_left=10, rng=rng, is_new_user=True).amount for _ in range(2000)]
    assert 900 < sum(normal) / len(normal) < 1100  # the mean of the remaining per slot
    assert 1.7 < (sum(bonus) / len(bonus)) / (sum(normal) / len(normal)) < 2.3
    assert len(run(10_000, 10, [True], 3)) == 5


@pytest.mark.parametrize(("remaining", "slots_left"), [(0, 1), (3, 4), (5, 0), (-1, 1)])
def test_impossible_draws_are_refused(remaining, slots_left):
    with pytest.raises(ValueError):
        draw_cut(remaining=remaining, slots_left=slots_left, rng=random.Random(0))


def test_the_last_slot_takes_all_that_is_left():
    assert draw_cut(remaining=777, slots_left=1, rng=random.Random(0)).amount == 777
    assert draw_cut(remaining=777, slots_left=2, rng=random.Random(0), is_new_user=True).amount == 777
