"""Any sequence of top-ups and tips: the balance the model predicts, the row mirroring the ledger, each
tip split exactly, the books balanced, and every refusal the one the rules say (hypothesis)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanzi.core.errors import DomainError
from quanzi.ledger.selectors import balance, unbalanced_transactions
from quanzi.livesales import accounts as acct
from quanzi.livesales import services
from quanzi.livesales.models import Gift, Tip, TipBalance

pytestmark = pytest.mark.django_db
LIMIT = 5000

ops = st.lists(st.one_of(
    st.tuples(st.just("topup"), st.integers(min_value=100, max_value=3000)),
    st.tuples(st.just("tip"), st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=7)),
), min_size=1, max_size=12)


class Rollback(Exception):
    pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops, host_bps=st.integers(min_value=0, max_value=10_000))
def test_any_sequence_of_top_ups_and_tips_keeps_the_books_exact(room, adult, pay, settings, steps, host_bps):
    settings.QUANZI = {**settings.QUANZI, "LIVE_TIP_DAILY_LIMIT": LIMIT, "LIVE_TIP_HOST_SHARE_BPS": host_bps}
    try:
        with transaction.atomic():
            run(room, adult(), pay, steps, host_bps)
            raise Rollback
    except Rollback:
        pass


def run(room, viewer, pay, steps, host_bps):
    gifts = [Gift.objects.create(name=f"g{p}", price=p) for p in (7, 100, 999)]
    model_balance = model_today = 0
    for step in steps:
        if step[0] == "topup":
            _topup, payment = services.topup_start(user=viewer, amount=step[1])
            pay(payment.number)
            model_balance += step[1]
            continue
        gift, count = gifts[step[1]], step[2]
        amount = gift.price * count
        expected = ("tip_daily_limit" if model_today + amount > LIMIT
                    else "insufficient_balance" if amount > model_balance else None)
        try:
            tip = services.tip_send(user=viewer, room_number=room.number, gift_id=gift.pk, count=count)
        except DomainError as exc:
            assert exc.code == expected
            continue
        assert expected is None
        assert tip.host_share == amount * host_bps // 10_000 and tip.host_share + tip.platform_share == amount
        model_balance -= amount
        model_today += amount
    assert TipBalance.objects.filter(user=viewer).values_list("balance", flat=True).first() in (model_balance, None)
    assert -balance(code=acct.tip_balance(viewer.pk)) == model_balance
    tips = list(Tip.objects.filter(tipper=viewer))
    assert -balance(code=acct.wallet_available(room.host_id)) == sum(t.host_share for t in tips)
    assert unbalanced_transactions() == []
