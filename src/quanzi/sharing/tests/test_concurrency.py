"""Concurrency on PostgreSQL: the upline graph stays acyclic and one link per target under racing requests."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from quanzi.core.errors import BusinessRuleViolation, Conflict
from quanzi.sharing.models import AttributionBinding, ShareLink, Upline, UplineVia
from quanzi.sharing.services import bind_user, share_link_for, upline_bind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Each callable in its own thread (own DB connection), released at once by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


def test_two_binds_that_would_close_a_cycle_cannot_both_succeed(make_user):
    for _round in range(5):
        a, b = make_user(), make_user()
        results = run_together(lambda a=a, b=b: upline_bind(user=a, upline=b, via=UplineVia.CODE),
                               lambda a=a, b=b: upline_bind(user=b, upline=a, via=UplineVia.CODE))
        assert sorted(r[0] for r in results) == ["error", "ok"], results
        assert isinstance(next(r[1] for r in results if r[0] == "error"), BusinessRuleViolation)
        assert Upline.objects.filter(user__in=[a, b]).count() == 1


def test_three_way_cycle_race(make_user):
    a, b, c = make_user(), make_user(), make_user()
    results = run_together(lambda: upline_bind(user=a, upline=b, via=UplineVia.CODE),
                           lambda: upline_bind(user=b, upline=c, via=UplineVia.CODE),
                           lambda: upline_bind(user=c, upline=a, via=UplineVia.CODE))
    assert [r[0] for r in results].count("ok") == 2, results
    assert Upline.objects.count() == 2


def test_same_user_bound_twice_at_once_keeps_one_upline(make_user):
    newcomer, x, y = make_user(), make_user(), make_user()
    results = run_together(lambda: upline_bind(user=newcomer, upline=x, via=UplineVia.CODE),
                           lambda: upline_bind(user=newcomer, upline=y, via=UplineVia.CODE))
    assert sorted(r[0] for r in results) == ["error", "ok"]
    assert isinstance(next(r[1] for r in results if r[0] == "error"), Conflict)
    assert Upline.objects.filter(user=newcomer).count() == 1


def test_concurrent_shares_make_one_link(sharer, product):
    results = run_together(*[lambda: share_link_for(sharer=sharer, target_type="product", target_id=product.pk)
                             for _ in range(4)])
    assert all(r[0] == "ok" for r in results), results
    assert len({r[1][0].code for r in results}) == 1 and ShareLink.objects.count() == 1


def test_concurrent_clicks_leave_one_binding(share_link, make_user, product):
    from quanzi.core import clock

    visitor = make_user()
    results = run_together(*[lambda: bind_user(user_id=visitor.pk, product_id=product.pk, link_id=share_link.pk,
                                               sharer_id=share_link.sharer_id, clicked_at=clock.now())
                             for _ in range(4)])
    assert all(r[0] == "ok" for r in results), results
    assert AttributionBinding.objects.filter(user=visitor).count() == 1
