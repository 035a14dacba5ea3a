"""Money is integer fen; the take-rate rounding rule and exact allocation are written down once here."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanzi.core.money import Money, allocate, apply_rate, format_yuan, yuan_to_fen


def test_apply_rate_rounds_down_so_the_payer_keeps_the_fraction():
    # 5% of ¥59.99 is 299.95 fen: the merchant is charged 299, keeps the 0.95 fen.
    assert apply_rate(5999, 500) == 299
    assert 5999 - apply_rate(5999, 500) == 5700


def test_apply_rate_exact_and_edge_rates():
    assert apply_rate(10000, 500) == 500
    assert apply_rate(12345, 0) == 0
    assert apply_rate(12345, 10000) == 12345
    assert apply_rate(0, 500) == 0
    assert apply_rate(1, 9999) == 0  # a fraction of one fen is never charged


@pytest.mark.parametrize("amount,bps", [(-1, 500), (100, -1), (100, 10001)])
def test_apply_rate_rejects_negative_amounts_and_rates_above_100_percent(amount, bps):
    with pytest.raises(ValueError):
        apply_rate(amount, bps)


@given(amount=st.integers(min_value=0, max_value=10**12), bps=st.integers(min_value=0, max_value=10000))
def test_apply_rate_never_exceeds_the_exact_share_and_loses_less_than_one_fen(amount, bps):
    fee = apply_rate(amount, bps)
    # fee ≤ amount × bps / 10000 < fee + 1, in exact integer arithmetic
    assert fee * 10000 <= amount * bps < (fee + 1) * 10000
    assert 0 <= fee <= amount
    assert fee + (amount - fee) == amount  # the remainder stays with the payer, nothing disappears


def test_allocate_splits_in_proportion_and_gives_leftovers_to_the_largest_remainders():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]  # tie → the earliest weight
    assert allocate(1000, [5900, 4100]) == [590, 410]
    assert allocate(10, [1, 2]) == [3, 7]  # 3.33 / 6.67 → the larger remainder gets the extra fen


def test_allocate_edge_cases():
    assert allocate(500, []) == []
    assert allocate(500, [0, 0]) == [500, 0]  # no weight: everything to the first part
    assert allocate(0, [3, 7]) == [0, 0]
    with pytest.raises(ValueError):
        allocate(10, [1, -1])


@given(total=st.integers(min_value=0, max_value=10**10),
       weights=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=30))
def test_allocate_parts_always_sum_exactly_to_the_total(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(p >= 0 for p in parts)
    weight_sum = sum(weights)
    if weight_sum:
        for part, weight in zip(parts, weights, strict=True):
            exact_floor = total * weight // weight_sum
            assert exact_floor <= part <= exact_floor + 1  # each part is its share, rounded by at most one fen
            if weight == 0:
                assert part == 0


def test_format_yuan():
    assert format_yuan(12345) == "123.45"
    assert format_yuan(5) == "0.05"
    assert format_yuan(0) == "0.00"
    assert format_yuan(-150) == "-1.50"


@pytest.mark.parametrize("text,fen", [
    ("12.30", 1230), ("12.3", 1230), ("12", 1200), ("0.01", 1), ("0", 0), (" 59.90 ", 5990),
    ("100000000.00", 10_000_000_000), ("1.10", 110),  # 1.1 is not a float here: exactly 110 fen
])
def test_yuan_to_fen_parses_provider_amounts_exactly(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["12.345", "0.001", "abc", "", "NaN", "Infinity", "1e", "¥12"])
def test_yuan_to_fen_rejects_more_than_two_decimals_and_garbage(text):
    with pytest.raises(ValueError):
        yuan_to_fen(text)


@given(st.integers(min_value=0, max_value=10**13))
def test_yuan_round_trip(fen):
    assert yuan_to_fen(format_yuan(fen)) == fen


def test_money_is_integer_fen_and_refuses_mixed_currencies():
    assert Money(100) + Money(250) == Money(350)
    assert (Money(100) - Money(250)).amount == -150
    assert Money(1999).as_dict() == {"amount": 1999, "currency": "CNY"}
    assert str(Money(1999)) == "19.99"
    with pytest.raises(TypeError):
        Money(1.5)
    with pytest.raises(TypeError):
        Money(True)
    with pytest.raises(ValueError):
        Money(100) + Money(100, "USD")
