"""`account_totals_by_day` and `kind_totals_by_day`: postings summed per local day in one query."""

import datetime as dt
from zoneinfo import ZoneInfo

from quanzi.ledger.selectors import account_totals_by_day, kind_totals_by_day
from quanzi.ledger.services import Entry, ledger_post
from quanzi.ledger.testing import transaction_backdate

SH, UTC = ZoneInfo("Asia/Shanghai"), dt.UTC
D = dt.date


def _book(key, kind, at, *entries):
    ledger_post(key=key, kind=kind, entries=[Entry(c, a) for c, a in entries])
    transaction_backdate(key=key, at=at)


def test_sums_by_account_and_shanghai_day_in_one_query(db, django_assert_num_queries):
    _book("a", "x", dt.datetime(2024, 5, 1, 15, 59, tzinfo=UTC), ("revenue:a", -100), ("asset:cash", 100))  # 23:59 SH
    _book("b", "x", dt.datetime(2024, 5, 1, 16, 0, tzinfo=UTC), ("revenue:a", -7), ("asset:cash", 7))  # 00:00 SH, May 2
    _book("c", "x", dt.datetime(2024, 5, 1, 17, 0, tzinfo=UTC), ("revenue:a", 7), ("asset:cash", -7))  # cancels b
    _book("d", "x", dt.datetime(2024, 5, 2, 3, 0, tzinfo=UTC), ("revenue:b", -30), ("expense:e", 5), ("asset:cash", 25))
    with django_assert_num_queries(1):
        got = account_totals_by_day(prefixes=["revenue:", "expense:"], since=D(2024, 5, 1), until=D(2024, 5, 2))
    # May 2's revenue:a nets to zero and is left out; asset: accounts are not asked for
    assert got == {(D(2024, 5, 1), "revenue:a"): -100, (D(2024, 5, 2), "revenue:b"): -30,
                   (D(2024, 5, 2), "expense:e"): 5}
    # the same postings on UTC days
    utc = account_totals_by_day(prefixes=["revenue:a"], since=D(2024, 5, 1), until=D(2024, 5, 1), tz=UTC)
    assert utc == {(D(2024, 5, 1), "revenue:a"): -100}
    assert account_totals_by_day(prefixes=["revenue:"], since=D(2024, 5, 3), until=D(2024, 5, 9)) == {}
    assert account_totals_by_day(prefixes=[], since=D(2024, 5, 1), until=D(2024, 5, 2)) == {}


def test_sums_by_transaction_kind_for_one_side(db):
    at = dt.datetime(2024, 5, 1, 4, tzinfo=UTC)
    _book("k1", "commission.accrue", at, ("merchant:1:pending", 800), ("user:2:earnings_pending", -800))
    _book("k2", "commission.accrue", at, ("merchant:3:pending", 200), ("user:2:earnings_pending", -200))
    _book("k3", "commission.release", at, ("user:2:earnings_pending", 1000), ("user:2:wallet", -1000))
    got = kind_totals_by_day(kinds=["commission.accrue", "commission.release"], account_prefix="merchant:",
                             since=D(2024, 5, 1), until=D(2024, 5, 1))
    assert got == {(D(2024, 5, 1), "commission.accrue"): 1000}
