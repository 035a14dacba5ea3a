"""Bargain use cases: campaigns, starting, helping, buying and expiry — and every refusal."""

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanzi.bargain import services
from quanzi.bargain.models import Bargain, BargainHelp, BargainStatus, CampaignStatus
from quanzi.bargain.tests.conftest import FLOOR, ORIGINAL
from quanzi.catalog.selectors import pool_units
from quanzi.catalog.testing import pool_force_units, sku_get
from quanzi.core import clock
from quanzi.core.errors import (
    BusinessRuleViolation,
    Conflict,
    NotFound,
    RateLimited,
    ValidationFailed,
)

pytestmark = pytest.mark.django_db


def pool(campaign) -> int:
    return pool_units(pools=[campaign.stock_pool])[campaign.stock_pool]


def help_all(bargain, users, rng=None):
    return [services.bargain_help(user=u, number=bargain.number, rng=rng) for u in users]


# ---------------------------------------------------------------- campaigns

def test_activation_sets_stock_aside_and_end_returns_it(campaign):
    sku = sku_get(sku_id=campaign.sku_id)
    assert campaign.status == CampaignStatus.ACTIVE and campaign.stock_pool.key == f"bargain:{campaign.pk}"
    assert pool(campaign) == 10 and sku.stock == 10
    services.campaign_end(campaign_id=campaign.pk, shop=campaign.shop)
    sku.refresh_from_db()
    assert pool(campaign) == 0 and sku.stock == 20


def test_original_price_defaults_to_the_list_price(campaign):
    assert campaign.original_price == ORIGINAL and campaign.floor_price == FLOOR


@pytest.mark.parametrize(("overrides", "code"), [
    ({"floor_price": ORIGINAL}, "invalid_floor_price"),
    ({"floor_price": ORIGINAL + 1}, "invalid_floor_price"),
    ({"floor_price": 0}, "invalid_floor_price"),
    ({"floor_price": -5}, "invalid_floor_price"),
    ({"floor_price": "9.90"}, "invalid_floor_price"),
    ({"original_price": ORIGINAL + 1}, "invalid_original_price"),
    ({"original_price": 0}, "invalid_original_price"),
    ({"floor_price": ORIGINAL - 4, "expected_helps": 5}, "price_gap_too_small"),
    ({"expected_helps": 1}, "invalid_expected_helps"),
    ({"expected_helps": 101}, "invalid_expected_helps"),
    ({"expected_helps": True}, "invalid_expected_helps"),
    ({"time_limit_seconds": 60}, "invalid_time_limit"),
    ({"time_limit_seconds": 8 * 24 * 3600}, "invalid_time_limit"),
    ({"stock": 0}, "campaign_no_stock"),
    ({"per_user_limit": 0}, "invalid_per_user_limit"),
    ({"ends_at": clock.now() - dt.timedelta(days=1)}, "invalid_campaign_window"),
])
def test_bad_campaigns_are_refused_and_create_nothing(make_campaign, overrides, code):
    from quanzi.bargain.models import BargainCampaign

    with pytest.raises(ValidationFailed) as exc:
        make_campaign(activate=False, **overrides)
    assert exc.value.code == code and exc.value.status == 400
    assert not BargainCampaign.objects.exists()


def test_more_stock_than_the_sku_has_is_refused(make_campaign):
    with pytest.raises(BusinessRuleViolation) as exc:
        make_campaign(stock=50, product_stock=20)
    assert exc.value.code == "out_of_stock"


def test_another_shops_sku_is_not_found(make_campaign, make_shop, make_product):
    other = make_product(shop=make_shop())
    with pytest.raises(NotFound) as exc:
        make_campaign(sku_id=other.skus.get().pk)
    assert exc.value.code == "sku_not_found"


def test_original_price_below_list_price_is_fine(make_campaign):
    campaign = make_campaign(original_price=4900, floor_price=100, expected_helps=100)
    assert campaign.original_price == 4900 and campaign.expected_helps == 100


def test_activating_twice_is_an_invalid_transition(campaign):
    with pytest.raises(Conflict) as exc:
        services.campaign_activate(campaign_id=campaign.pk)
    assert exc.value.code == "invalid_campaign_state"
    assert pool(campaign) == 10


# ---------------------------------------------------------------- starting

def test_start_copies_the_campaign_prices(bargain, campaign):
    assert bargain.status == BargainStatus.OPEN and bargain.current_price == ORIGINAL
    assert bargain.floor_price == FLOOR and bargain.expected_helps == 5 and bargain.cut_total == 0
    assert len(bargain.number) == 10
    assert bargain.expires_at == bargain.created_at + dt.timedelta(hours=24)


def test_a_second_running_bargain_on_the_same_campaign_is_refused(bargain, starter, campaign):
    with pytest.raises(Conflict) as exc:
        services.bargain_start(user=starter, campaign_id=campaign.pk)
    assert exc.value.code == "bargain_already_active"
    assert Bargain.objects.filter(starter=starter).count() == 1


def test_expiry_is_capped_by_the_campaign_end(make_campaign, starter):
    campaign = make_campaign(ends_at=clock.now() + dt.timedelta(hours=2))
    bargain = services.bargain_start(user=starter, campaign_id=campaign.pk)
    assert bargain.expires_at == campaign.ends_at


def test_start_refusals(make_campaign, starter, shop):
    with pytest.raises(NotFound):
        services.bargain_start(user=starter, campaign_id=999999)
    draft = make_campaign(activate=False)
    with pytest.raises(Conflict) as exc:
        services.bargain_start(user=starter, campaign_id=draft.pk)
    assert exc.value.code == "campaign_not_running"
    later = make_campaign(starts_at=clock.now() + dt.timedelta(hours=1))
    with pytest.raises(Conflict) as exc:  # before the campaign starts
        services.bargain_start(user=starter, campaign_id=later.pk)
    assert exc.value.code == "campaign_not_running"
    running = make_campaign()
    with pytest.raises(BusinessRuleViolation) as exc:
        services.bargain_start(user=shop.owner, campaign_id=running.pk)
    assert exc.value.code == "own_campaign"
    assert not Bargain.objects.exists()


def test_start_on_a_sold_out_campaign_is_refused(make_campaign, starter):
    campaign = make_campaign()
    pool_force_units(pool=campaign.stock_pool, quantity=0)
    with pytest.raises(Conflict) as exc:
        services.bargain_start(user=starter, campaign_id=campaign.pk)
    assert exc.value.code == "campaign_sold_out"


# ---------------------------------------------------------------- helping

def test_helps_cut_exactly_to_the_floor_after_the_expected_helps(bargain, helpers, rng):
    help_all(bargain, helpers(5), rng)
    bargain.refresh_from_db()
    amounts = list(BargainHelp.objects.filter(bargain=bargain).values_list("amount", flat=True))
    assert bargain.current_price == FLOOR and bargain.status == BargainStatus.FLOOR_REACHED
    assert sum(amounts) == ORIGINAL - FLOOR == bargain.cut_total and all(a >= 1 for a in amounts)
    assert bargain.helps_count == 5 and bargain.floor_reached_at is not None


def test_helping_after_the_floor_is_refused(bargain, helpers, rng):
    users = helpers(6)
    help_all(bargain, users[:5], rng)
    with pytest.raises(Conflict) as exc:
        services.bargain_help(user=users[5], number=bargain.number)
    assert exc.value.code == "bargain_floor_reached"
    assert Bargain.objects.get(pk=bargain.pk).current_price == FLOOR


def test_new_users_cut_more_and_can_reach_the_floor_early(make_campaign, starter, helpers, rng):
    campaign = make_campaign(new_user_bonus=True, expected_helps=6)
    bargain = services.bargain_start(user=starter, campaign_id=campaign.pk)
    help_all(bargain, helpers(3), rng)  # fresh accounts without a paid order: new users, two slots each
    bargain.refresh_from_db()
    assert bargain.status == BargainStatus.FLOOR_REACHED and bargain.current_price == FLOOR
    assert bargain.helps_count == 3 and bargain.slots_used == 6
    assert set(BargainHelp.objects.values_list("is_new_user", flat=True)) == {True}


def test_old_accounts_and_buyers_are_not_new_users(make_user, place_order, shopper, sku, pay):
    old = make_user()
    type(old).objects.filter(pk=old.pk).update(date_joined=clock.now() - dt.timedelta(days=8))
    old.refresh_from_db()
    assert services.is_new_user(make_user(), clock.now())
    assert not services.is_new_user(old, clock.now())
    place_order([(sku, 1)], pay=True)
    assert not services.is_new_user(shopper, clock.now())


def test_helping_your_own_bargain_is_refused(bargain, starter):
    with pytest.raises(BusinessRuleViolation) as exc:
        services.bargain_help(user=starter, number=bargain.number)
    assert exc.value.code == "own_bargain"
    assert Bargain.objects.get(pk=bargain.pk).current_price == ORIGINAL


def test_helping_twice_is_refused(bargain, helpers):
    (friend,) = helpers(1)
    services.bargain_help(user=friend, number=bargain.number)
    price = Bargain.objects.get(pk=bargain.pk).current_price
    with pytest.raises(Conflict) as exc:
        services.bargain_help(user=friend, number=bargain.number)
    assert exc.value.code == "already_helped"
    assert Bargain.objects.get(pk=bargain.pk).current_price == price
    assert BargainHelp.objects.filter(helper=friend).count() == 1


def test_helping_an_unknown_bargain_is_not_found(helpers):
    with pytest.raises(NotFound) as exc:
        services.bargain_help(user=helpers(1)[0], number="nope")
    assert exc.value.code == "bargain_not_found"


def test_helping_after_expiry_is_refused(bargain, helpers):
    (friend,) = helpers(1)
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        with pytest.raises(Conflict) as exc:
            services.bargain_help(user=friend, number=bargain.number)
    assert exc.value.code == "bargain_expired"
    assert not BargainHelp.objects.exists()


def test_daily_help_limit_per_helper(make_campaign, make_shopper, helpers, settings):
    settings.QUANZI = {**settings.QUANZI, "BARGAIN_DAILY_HELPS": 2}
    (friend,) = helpers(1)
    bargains = [services.bargain_start(user=make_shopper(), campaign_id=make_campaign().pk) for _ in range(3)]
    services.bargain_help(user=friend, number=bargains[0].number)
    services.bargain_help(user=friend, number=bargains[1].number)
    with pytest.raises(RateLimited) as exc:
        services.bargain_help(user=friend, number=bargains[2].number)
    assert exc.value.code == "daily_help_limit" and exc.value.status == 429
    assert Bargain.objects.get(pk=bargains[2].pk).cut_total == 0
    with clock.travel(dt.timedelta(days=1)):  # a new Asia/Shanghai day
        bargains[2].expires_at = clock.now() + dt.timedelta(hours=1)
        Bargain.objects.filter(pk=bargains[2].pk).update(expires_at=bargains[2].expires_at)
        services.bargain_help(user=friend, number=bargains[2].number)
    assert BargainHelp.objects.filter(helper=friend).count() == 3


def test_a_randomized_sequence_of_helps_keeps_the_total_exact(make_campaign, make_shopper, make_user):
    """Random campaigns, random helpers (new or not, some retrying, the starter trying too): the price
    is always original − sum of cuts, never below the floor, and the floor exactly when slots run out."""
    rng = random.Random(2026)
    for round_ in range(4):
        expected = rng.randint(2, 12)
        campaign = make_campaign(expected_helps=expected, new_user_bonus=bool(round_ % 2),
                                 floor_price=rng.randint(1, ORIGINAL - expected))
        starter = make_shopper()
        bargain = services.bargain_start(user=starter, campaign_id=campaign.pk)
        people = [make_user() for _ in range(expected + 3)] + [starter]
        for _ in range(3 * expected):
            who = rng.choice(people)
            try:
                services.bargain_help(user=who, number=bargain.number, rng=rng)
            except (Conflict, BusinessRuleViolation):
                pass
            b = Bargain.objects.get(pk=bargain.pk)
            cuts = sum(BargainHelp.objects.filter(bargain=b).values_list("amount", flat=True))
            assert b.current_price == campaign.original_price - cuts >= campaign.floor_price
            assert (b.status == BargainStatus.FLOOR_REACHED) == (b.current_price == campaign.floor_price)


# ---------------------------------------------------------------- buying

def test_buy_at_the_current_price_takes_the_unit_from_the_pool(bargain, starter, helpers, campaign, pay):
    help_all(bargain, helpers(2))
    price = Bargain.objects.get(pk=bargain.pk).current_price
    b, order, payment = services.bargain_buy(user=starter, number=bargain.number,
                                             address_id=starter.addresses.get().pk)
    line = order.lines.get()
    assert b.status == BargainStatus.BOUGHT and b.order_id == order.pk
    assert line.unit_price == price and line.price_source == "bargain" and line.price_source_ref == bargain.number
    assert order.items_total == price and pool(campaign) == 9
    pay(payment.number)
    order.refresh_from_db()
    assert order.status == "paid"


def test_buy_at_the_floor(bargain, starter, helpers):
    help_all(bargain, helpers(5))
    _b, order, _p = services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    assert order.lines.get().unit_price == FLOOR


def test_buying_another_users_bargain_is_not_found(bargain, make_shopper):
    other = make_shopper()
    with pytest.raises(NotFound) as exc:
        services.bargain_buy(user=other, number=bargain.number, address_id=other.addresses.get().pk)
    assert exc.value.code == "bargain_not_found"
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.OPEN


def test_buying_twice_and_helping_a_bought_bargain_are_refused(bargain, starter, helpers):
    services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    with pytest.raises(Conflict) as exc:
        services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    assert exc.value.code == "bargain_already_bought"
    with pytest.raises(Conflict) as exc:
        services.bargain_help(user=helpers(1)[0], number=bargain.number)
    assert exc.value.code == "bargain_closed"


def test_buying_after_expiry_or_after_the_campaign_ended_is_refused(make_campaign, make_shopper):
    from quanzi.orders.testing import orders

    c1, c2 = make_campaign(), make_campaign()
    a, b = make_shopper(), make_shopper()
    b1 = services.bargain_start(user=a, campaign_id=c1.pk)
    b2 = services.bargain_start(user=b, campaign_id=c2.pk)
    with clock.travel(dt.timedelta(days=2)):
        with pytest.raises(Conflict) as exc:
            services.bargain_buy(user=a, number=b1.number, address_id=a.addresses.get().pk)
        assert exc.value.code == "bargain_expired"
    services.campaign_end(campaign_id=c2.pk)
    with pytest.raises(Conflict) as exc:
        services.bargain_buy(user=b, number=b2.number, address_id=b.addresses.get().pk)
    assert exc.value.code == "bargain_expired"
    assert Bargain.objects.get(pk=b2.pk).status == BargainStatus.EXPIRED
    assert not orders()


def test_buying_when_the_campaign_window_closed_is_refused(bargain, starter, campaign):
    """The campaign's window closed (ends_at moved into the past) while the bargain still had time."""
    from quanzi.bargain.models import BargainCampaign

    BargainCampaign.objects.filter(pk=campaign.pk).update(ends_at=clock.now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    assert exc.value.code == "campaign_not_running"


def test_the_plain_checkout_cannot_use_someone_elses_bargain(bargain, make_shopper, campaign):
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    other = make_shopper()
    with pytest.raises(ValidationFailed) as exc:
        checkout_and_pay(user=other, address_id=other.addresses.get().pk, clear_cart=False,
                         items=[CheckoutItem(campaign.sku_id, 1, "bargain", bargain.number)])
    assert exc.value.code == "bargain_not_found"


def test_the_plain_checkout_by_the_starter_marks_the_bargain_bought(bargain, starter, campaign):
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    item = CheckoutItem(campaign.sku_id, 1, "bargain", bargain.number)
    orders, _p = checkout_and_pay(user=starter, address_id=starter.addresses.get().pk, clear_cart=False, items=[item])
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.BOUGHT
    with pytest.raises(Conflict):  # a second order at the bargain price is refused
        checkout_and_pay(user=starter, address_id=starter.addresses.get().pk, clear_cart=False, items=[item])
    services.bargain_order_cancelled(order_id=orders[0].pk)  # (as if its order was cancelled unpaid)
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.OPEN
    with pytest.raises(BusinessRuleViolation) as exc:  # one unit only
        checkout_and_pay(user=starter, address_id=starter.addresses.get().pk, clear_cart=False,
                         items=[CheckoutItem(campaign.sku_id, 2, "bargain", bargain.number)])
    assert exc.value.code == "quantity_limit"


def test_a_cancelled_unpaid_order_reopens_the_bargain_and_returns_the_unit(bargain, starter, helpers, campaign):
    from quanzi.orders.services import order_cancel

    help_all(bargain, helpers(5))
    _b, order, _p = services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    assert pool(campaign) == 9
    order_cancel(order_id=order.pk, reason="changed my mind", actor="shopper")
    b = Bargain.objects.get(pk=bargain.pk)
    assert b.status == BargainStatus.FLOOR_REACHED and b.order_id is None
    assert pool(campaign) == 10
    _b, order2, _p = services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    assert order2.lines.get().unit_price == FLOOR


def test_a_cancel_after_expiry_expires_the_bargain(bargain, starter):
    from quanzi.orders.services import order_cancel

    _b, order, _p = services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    with clock.travel(dt.timedelta(days=2)):
        order_cancel(order_id=order.pk, reason="timeout", actor="system")
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.EXPIRED


def test_after_buying_the_per_user_limit_stops_a_new_bargain(bargain, starter, campaign):
    services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.bargain_start(user=starter, campaign_id=campaign.pk)
    assert exc.value.code == "bargain_limit_reached"


# ---------------------------------------------------------------- expiry and sweeps

def test_the_sweep_expires_due_bargains_and_ends_campaigns(bargain, campaign, starter, make_shopper):
    from quanzi.core.sweeps import run_sweeps

    assert run_sweeps(["bargain_expire"]) == {"bargain_expire": 0}
    with clock.travel(dt.timedelta(hours=25)):
        assert run_sweeps(["bargain_expire"])["bargain_expire"] == 1
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.EXPIRED
    with clock.travel(dt.timedelta(days=8)):
        run_sweeps(["bargain_expire"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED and pool(campaign) == 0
    assert sku_get(sku_id=campaign.sku_id).stock == 20


def test_late_units_return_after_the_campaign_ended(bargain, starter, campaign):
    from quanzi.bargain.tasks import bargain_return_late_units
    from quanzi.orders.services import order_cancel

    _b, order, _p = services.bargain_buy(user=starter, number=bargain.number, address_id=starter.addresses.get().pk)
    services.campaign_end(campaign_id=campaign.pk)
    assert sku_get(sku_id=campaign.sku_id).stock == 19
    order_cancel(order_id=order.pk, reason="timeout", actor="system")
    assert pool(campaign) == 1 and Bargain.objects.get(pk=bargain.pk).status == BargainStatus.EXPIRED
    assert bargain_return_late_units() == 1
    assert pool(campaign) == 0 and sku_get(sku_id=campaign.sku_id).stock == 20


def test_share_target_resolves_a_bargain(bargain):
    from quanzi.sharing.targets import resolve

    target = resolve("bargain", bargain.pk)
    assert target.url == f"/b/{bargain.number}/" and target.price == ORIGINAL
    assert target.product_id == bargain.campaign.product_id
    assert resolve("bargain", 999999) is None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expected=st.integers(2, 8), gap_extra=st.integers(0, 3000), bonus=st.booleans(),
       actors=st.lists(st.integers(0, 9), min_size=1, max_size=25), seed=st.integers(0, 2**32))
def test_hypothesis_help_sequences_on_a_real_bargain_stay_exact(make_campaign, make_shopper, make_user,
                                                              expected, gap_extra, bonus, actors, seed):
    """Any sequence of helpers (repeats, the starter, new users or not) on a real bargain: the price is
    original − the sum of the recorded cuts, never below the floor; the floor exactly when slots run out;
    after the expected helps without new users, the floor."""
    campaign = make_campaign(expected_helps=expected, new_user_bonus=bonus, floor_price=ORIGINAL - expected - gap_extra)
    starter = make_shopper()
    bargain = services.bargain_start(user=starter, campaign_id=campaign.pk)
    people = [starter] + [make_user() for _ in range(9)]
    rng = random.Random(seed)
    for i in actors:
        try:
            services.bargain_help(user=people[i], number=bargain.number, rng=rng)
        except (Conflict, BusinessRuleViolation):
            pass
        b = Bargain.objects.get(pk=bargain.pk)
        cuts = list(BargainHelp.objects.filter(bargain=b).values_list("amount", flat=True))
        assert b.current_price == campaign.original_price - sum(cuts) >= campaign.floor_price
        assert all(c >= 1 for c in cuts) and b.helps_count == len(cuts)
        assert (b.status == BargainStatus.FLOOR_REACHED) == (b.slots_used == expected) \
            == (b.current_price == campaign.floor_price)
    helpers_count = len({i for i in actors if i != 0})
    if not bonus and helpers_count >= expected:
        assert Bargain.objects.get(pk=bargain.pk).current_price == campaign.floor_price
