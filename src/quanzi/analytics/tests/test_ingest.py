"""Writing the log: a fact delivered twice is stored once; the rollups equal a recomputation from the raw
events whatever the stream (hypothesis); domain events arrive through the outbox; PIPL forgetting."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanzi.analytics import constants as names
from quanzi.analytics.models import DailyRollup, DirtyMark, Event
from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.analytics.services import SHANGHAI, Fact, actor_of_user, forget_user, record

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 2, tzinfo=SHANGHAI)


def test_a_fact_delivered_twice_is_stored_once():
    f = Fact(key="order.paid:1", name=names.ORDER_PAID, occurred_at=START, actor="u1", shop_id=3, amount=990)
    record([f])
    record([f, f])
    assert Event.objects.count() == 1
    rollup_dirty_days()
    [row] = DailyRollup.objects.filter(shop_id=3, channel="*")
    assert (row.count, row.amount) == (1, 990)


def _expected() -> dict:
    out: dict = {}
    for e in Event.objects.all():
        for shop in ([0, e.shop_id] if e.shop_id is not None else [0]):
            for channel in (e.channel, "*"):
                k = (e.day, shop, e.name, channel)
                c, actors, amount = out.get(k, (0, set(), 0))
                out[k] = (c + 1, actors | {e.actor}, amount + e.amount)
    return {k: (c, len(a), m) for k, (c, a, m) in out.items()}


fact_strategy = st.builds(
    lambda key, name, minutes, actor, shop, amount, channel: Fact(
        key=f"k{key}", name=name, occurred_at=START + dt.timedelta(minutes=minutes), actor=f"a{actor}",
        shop_id=shop, amount=amount, channel=channel),
    key=st.integers(0, 60), name=st.sampled_from(sorted(names.EVENT_NAMES)), minutes=st.integers(0, 5 * 24 * 60),
    actor=st.integers(0, 8), shop=st.one_of(st.none(), st.integers(1, 3)), amount=st.integers(0, 10**6),
    channel=st.sampled_from(["", "share", "organic"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(fact_strategy, max_size=12), min_size=1, max_size=5),
       roll_after=st.lists(st.booleans(), min_size=5, max_size=5))
def test_rollups_equal_a_recomputation_from_raw_events(batches, roll_after):
    Event.objects.all().delete(), DailyRollup.objects.all().delete(), DirtyMark.objects.all().delete()
    for batch, roll in zip(batches, roll_after, strict=False):
        record(batch)
        if roll:  # the job runs between some batches and not others
            rollup_dirty_days()
    rollup_dirty_days()
    got = {(r.day, r.shop_id, r.name, r.channel): (r.count, r.actors, r.amount) for r in DailyRollup.objects.all()}
    assert got == _expected()
    assert not DirtyMark.objects.exists()


def test_domain_events_arrive_through_the_outbox(place_order, sku, shopper, django_capture_on_commit_callbacks):
    """A real order placed and paid: order.created and order.paid facts with the shop, the amount and the
    buyer's pseudonym (never the user id); the event delivered again stores nothing twice."""
    from quanzi.analytics.handlers import order_paid
    from quanzi.orders.events import OrderPaid

    with django_capture_on_commit_callbacks(execute=True):
        [order], _payment = place_order([(sku, 2)], pay=True)
    created = Event.objects.get(name=names.ORDER_CREATED)
    paid = Event.objects.get(name=names.ORDER_PAID)
    assert created.shop_id == paid.shop_id == order.shop_id and paid.amount == order.total > 0
    assert paid.actor == actor_of_user(shopper.pk) and paid.channel == "organic"
    [line] = Event.objects.filter(name=names.LINE_PAID)  # sales by product: one fact per paid line
    assert (line.object_id, line.amount, line.props["quantity"]) == (sku.product_id, order.total, 2)
    again = OrderPaid(order_id=order.pk, held=False, shop_id=order.shop_id, total=order.total, payment_number="P",
                      price_sources=["list"], attributions=[])
    order_paid(again), order_paid(again)  # a retry after a crash between the work and its delivery record
    assert Event.objects.filter(name=names.ORDER_PAID).count() == 1
    assert Event.objects.filter(name=names.LINE_PAID).count() == 1


def test_forgetting_a_user_keeps_the_totals_and_drops_the_link():
    mine = actor_of_user(42)
    record([Fact(key=f"k{i}", name=names.PAGE_VIEW, occurred_at=START, actor=mine) for i in range(3)])
    assert forget_user(user_id=42) == 3
    assert not Event.objects.filter(actor=mine).exists() and Event.objects.count() == 3
    assert len(set(Event.objects.values_list("actor", flat=True))) == 1  # still one person, now nobody's


def test_signups_and_cart_adds_are_facts(sku, shopper, django_capture_on_commit_callbacks):
    from quanzi.accounts.services import user_register
    from quanzi.orders.services import cart_add

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = user_register(identifier="13912345678", password="Str0ngPass!x", nickname="新人")
    with django_capture_on_commit_callbacks(execute=True):
        cart_add(user=shopper, sku_id=sku.pk, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        cart_add(user=shopper, sku_id=sku.pk, quantity=2)  # more of it: a second add
    with django_capture_on_commit_callbacks(execute=True):  # signing in through the form is not a signup
        user_register(identifier="13912345678", password="Str0ngPass!x")
    [signup] = Event.objects.filter(name=names.SIGNED_UP)
    assert signup.actor == actor_of_user(newcomer.pk)
    adds = list(Event.objects.filter(name=names.CART_ADDED).order_by("id"))
    assert [(a.object_id, a.shop_id, a.props["quantity"]) for a in adds] == [
        (sku.product_id, sku.product.shop_id, 1), (sku.product_id, sku.product.shop_id, 2)]
