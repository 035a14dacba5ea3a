import pytest

from quanzi.core.errors import RateLimited
from quanzi.core.ratelimit import hit


def test_the_limit_allows_exactly_n_actions_per_window_then_says_when_to_retry():
    remaining = [hit("follow", 7, limit=3, window=60) for _ in range(3)]

    with pytest.raises(RateLimited) as refused:
        hit("follow", 7, limit=3, window=60)

    assert remaining == [2, 1, 0]
    assert refused.value.status == 429
    assert 0 < int(refused.value.fields["retry_after"]) <= 60


def test_actors_and_actions_are_counted_separately():
    for _ in range(3):
        hit("comment", 1, limit=3, window=60)

    assert hit("comment", 2, limit=3, window=60) == 2
    assert hit("like", 1, limit=3, window=60) == 2
