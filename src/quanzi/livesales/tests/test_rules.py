"""The pure money rules: exact splits, the remainder rule, reversal rounding, the Shanghai day."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from quanzi.livesales import rules


@given(amount=st.integers(min_value=0, max_value=10**9), bps=st.integers(min_value=0, max_value=10_000))
def test_tip_split_is_exact_and_the_remainder_goes_to_the_platform(amount, bps):
    split = rules.split_tip(amount, bps)
    assert split.host + split.platform == amount
    assert split.host == amount * bps // 10_000  # rounded down: the fraction of a fen is the platform's
    assert 0 <= split.host <= amount


def test_tip_split_examples():
    assert rules.split_tip(333, 5000) == rules.TipSplit(host=166, platform=167)
    assert rules.split_tip(1, 5000) == rules.TipSplit(host=0, platform=1)
    assert rules.split_tip(10_000, 7000) == rules.TipSplit(host=7000, platform=3000)


@given(base=st.integers(min_value=0, max_value=10**9), bps=st.integers(min_value=-5, max_value=20_000))
def test_host_commission_is_rounded_down_and_capped(base, bps):
    amount = rules.host_commission(base, bps)
    assert 0 <= amount <= base
    assert amount <= base * rules.MAX_HOST_COMMISSION_BPS // 10_000
    if 0 < bps <= rules.MAX_HOST_COMMISSION_BPS:
        assert amount == base * bps // 10_000


@given(amount=st.integers(min_value=0, max_value=10**7), line_total=st.integers(min_value=1, max_value=10**8),
       data=st.data())
def test_reversal_never_lets_the_host_keep_more_than_the_kept_share(amount, line_total, data):
    refunded = data.draw(st.integers(min_value=0, max_value=line_total))
    target = rules.reversal_target(amount=amount, line_total=line_total, refunded_amount=refunded)
    assert 0 <= target <= amount
    kept = amount - target
    assert kept * line_total <= amount * (line_total - refunded)  # kept ≤ amount × kept share
    if refunded == line_total:
        assert target == amount
    if refunded == 0:
        assert target == 0


@given(amount=st.integers(min_value=1, max_value=10**6), line_total=st.integers(min_value=2, max_value=10**7),
       data=st.data())
def test_reversal_grows_with_refunds(amount, line_total, data):
    a = data.draw(st.integers(min_value=0, max_value=line_total))
    b = data.draw(st.integers(min_value=a, max_value=line_total))
    assert rules.reversal_target(amount=amount, line_total=line_total, refunded_amount=a) <= \
        rules.reversal_target(amount=amount, line_total=line_total, refunded_amount=b)


def test_remaining_for_user():
    assert rules.remaining_for_user(per_user_limit=2, already=0) == 2
    assert rules.remaining_for_user(per_user_limit=2, already=2) == 0
    assert rules.remaining_for_user(per_user_limit=2, already=5) == 0


def test_the_tip_day_is_the_asia_shanghai_day():
    utc = dt.UTC
    # 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is the next Shanghai day.
    assert rules.day_start(dt.datetime(2026, 3, 1, 15, 59, tzinfo=utc)) == dt.datetime(2026, 2, 28, 16, 0, tzinfo=utc)
    assert rules.day_start(dt.datetime(2026, 3, 1, 16, 0, tzinfo=utc)) == dt.datetime(2026, 3, 1, 16, 0, tzinfo=utc)


def test_age_counts_birthdays():
    assert rules.age_on(dt.date(2008, 6, 2), dt.date(2026, 6, 1)) == 17
    assert rules.age_on(dt.date(2008, 6, 1), dt.date(2026, 6, 1)) == 18


def test_buyer_names_are_masked():
    assert rules.mask_nickname("王小明") == "王**"
    assert rules.mask_nickname("") == "**"
