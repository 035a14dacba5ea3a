"""Tips: the prepaid balance through the payment provider, one balanced transaction per tip with an
exact split, the declaration (no minors), the daily limit, the leaderboard."""

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import transaction_count, transactions
from quanzi.livesales import accounts as acct
from quanzi.livesales import selectors, services
from quanzi.livesales.models import Tip, TipBalance, TopUp, TopUpStatus

pytestmark = pytest.mark.django_db


def tip_balance(user) -> int:
    return -balance(code=acct.tip_balance(user.pk))


def test_a_top_up_is_credited_once_when_the_payment_is_captured(adult, fund, notify_sandbox, ledger_balanced):
    viewer = adult()
    topup = fund(viewer, 5000)
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PAID
    assert tip_balance(viewer) == 5000 == TipBalance.objects.get(user=viewer).balance
    notify_sandbox(topup.payment_number)  # a duplicate notification credits nothing more
    assert tip_balance(viewer) == 5000
    assert transaction_count(kind="live.tip.topup") == 1
    ledger_balanced()


def test_an_unpaid_top_up_credits_nothing(adult):
    viewer = adult()
    topup, payment = services.topup_start(user=viewer, amount=1000)
    assert payment.purpose == "tip_topup" and payment.amount == 1000
    assert topup.status == TopUpStatus.CREATED and tip_balance(viewer) == 0


def test_a_tip_moves_the_money_in_one_balanced_transaction_split_exactly(room, adult, fund, gift, ledger_balanced):
    viewer = adult()
    fund(viewer, 1000)
    tip = services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=1)  # 333 fen
    assert (tip.amount, tip.host_share, tip.platform_share) == (333, 166, 167)  # remainder → platform
    [txn] = transactions(kind="live.tip")
    assert txn.idempotency_key == f"tip:{tip.pk}"
    postings = {p.account.code: p.amount for p in txn.postings.all()}
    assert postings == {acct.tip_balance(viewer.pk): 333, acct.wallet_available(room.host_id): -166,
                        acct.TIP_REVENUE: -167}
    assert tip_balance(viewer) == 667 == TipBalance.objects.get(user=viewer).balance
    assert -balance(code=acct.wallet_available(room.host_id)) == 166
    ledger_balanced()


def test_tipping_without_enough_balance_changes_nothing(room, adult, fund, gift):
    viewer = adult()
    fund(viewer, 500)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=2)  # 666 > 500
    assert exc.value.code == "insufficient_balance"
    assert not Tip.objects.exists() and tip_balance(viewer) == 500


def test_a_minor_cannot_tip_or_top_up(room, make_shopper, gift):
    minor = make_shopper()
    today = clock.now().date()
    services.declaration_submit(user=minor, real_name="李四", birth_date=today.replace(year=today.year - 16))
    TipBalance.objects.create(user=minor, balance=10_000)  # even with money somehow on the balance
    with pytest.raises(Forbidden) as exc:
        services.tip_send(user=minor, room_number=room.number, gift_id=gift.pk)
    assert exc.value.code == "minor_cannot_tip"
    with pytest.raises(Forbidden) as exc:
        services.topup_start(user=minor, amount=1000)
    assert exc.value.code == "minor_cannot_tip"
    assert not Tip.objects.exists() and not TopUp.objects.exists()


def test_an_account_birth_date_showing_a_minor_also_blocks(room, adult, gift):
    viewer = adult()
    viewer.birth_date = dt.date(clock.now().year - 15, 1, 1)
    viewer.save(update_fields=["birth_date"])
    with pytest.raises(Forbidden):
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk)


def test_tipping_needs_a_declaration_made_once(room, make_shopper, gift):
    viewer = make_shopper()
    with pytest.raises(BusinessRuleViolation) as exc:
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk)
    assert exc.value.code == "declaration_required"
    services.declaration_submit(user=viewer, real_name="王五", birth_date=dt.date(1995, 1, 1))
    with pytest.raises(Conflict) as exc:
        services.declaration_submit(user=viewer, real_name="王五", birth_date=dt.date(2015, 1, 1))
    assert exc.value.code == "declaration_exists"
    with pytest.raises(ValidationFailed):
        services.declaration_submit(user=make_shopper(), real_name="X", birth_date=dt.date(1995, 1, 1))
    with pytest.raises(ValidationFailed):
        services.declaration_submit(user=make_shopper(), real_name="赵六", birth_date=clock.now().date()
                                    + dt.timedelta(days=400))


def test_the_daily_limit_is_exact_and_resets_on_the_next_shanghai_day(room, adult, fund, gift, settings):
    settings.QUANZI = {**settings.QUANZI, "LIVE_TIP_DAILY_LIMIT": 1000}
    viewer = adult()
    fund(viewer, 3000)
    services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=3)  # 999
    with pytest.raises(BusinessRuleViolation) as exc:
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=1)  # 1332 > 1000
    assert exc.value.code == "tip_daily_limit"
    assert selectors.tip_account(user=viewer)["remaining_today"] == 1
    with clock.travel(dt.timedelta(days=1)):
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=3)
    assert Tip.objects.count() == 2 and tip_balance(viewer) == 3000 - 1998


@pytest.mark.parametrize(("count", "code"), [(0, "invalid_count"), (100, "invalid_count")])
def test_bad_counts_are_refused(room, adult, gift, count, code):
    with pytest.raises(ValidationFailed) as exc:
        services.tip_send(user=adult(), room_number=room.number, gift_id=gift.pk, count=count)
    assert exc.value.code == code


def test_no_tips_to_an_ended_room_to_oneself_or_with_an_unknown_gift(room, adult, gift, fund):
    viewer = adult()
    fund(viewer, 1000)
    with pytest.raises(NotFound):
        services.tip_send(user=viewer, room_number=room.number, gift_id=999_999)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.tip_send(user=room.host, room_number=room.number, gift_id=gift.pk)
    assert exc.value.code == "cannot_tip_self"
    room.status = "ended"
    room.save(update_fields=["status"])
    with pytest.raises(Conflict) as exc:
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk)
    assert exc.value.code == "room_not_live"
    assert tip_balance(viewer) == 1000


def test_the_leaderboard_ranks_tippers_by_amount(room, adult, fund, gift):
    a, b = adult(nickname="阿甲"), adult(nickname="阿乙")
    fund(a, 5000)
    fund(b, 5000)
    services.tip_send(user=a, room_number=room.number, gift_id=gift.pk, count=1)
    services.tip_send(user=b, room_number=room.number, gift_id=gift.pk, count=2)
    services.tip_send(user=a, room_number=room.number, gift_id=gift.pk, count=2)
    board = selectors.leaderboard(room_id=room.pk)
    assert [(r["rank"], r["nickname"], r["amount"], r["gifts"]) for r in board] == [
        (1, "阿甲", 999, 3), (2, "阿乙", 666, 2)]


def test_tips_and_purchases_are_broadcast_to_the_room(room, lsku, adult, fund, gift, pay,
                                                      django_capture_on_commit_callbacks):
    from quanzi.live.selectors import room_events

    viewer = adult(nickname="小明")
    fund(viewer, 1000)
    with django_capture_on_commit_callbacks(execute=True):
        services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=2)
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = services.live_buy(user=viewer, room_number=room.number, sku_id=lsku.pk, quantity=1,
                                           address_id=viewer.addresses.get().pk)
        pay(payment.number)
    events = {e.kind: e.data for e in room_events(room_id=room.pk)}
    assert events["tip"] == {"nickname": "小明", "gift": gift.name, "icon": gift.icon, "count": 2, "amount": 666}
    assert events["leaderboard"]["top"] == [{"nickname": "小明", "amount": 666}]
    assert events["purchase"] == {"nickname": "小**", "product_title": "直播款 T恤"}


def test_room_stats_rows(room, lsku, adult, fund, gift, pay):
    from quanzi.livesales.stats import room_stats_rows

    viewer = adult()
    fund(viewer, 1000)
    services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=1)
    order, payment = services.live_buy(user=viewer, room_number=room.number, sku_id=lsku.pk, quantity=1,
                                       address_id=viewer.addresses.get().pk)
    pay(payment.number)
    s = selectors.room_sales(room=room)
    assert (s["orders"], s["gmv"], s["units"], s["tips"], s["tippers"], s["buyers"]) == (1, 10000, 1, 333, 1, 1)
    rows = dict(room_stats_rows(room))
    assert rows["Orders"] == "1" and rows["Sales (GMV)"] == "¥100.00" and rows["Tips"] == "¥3.33"
