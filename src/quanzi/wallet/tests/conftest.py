"""Wallet test helpers: seed a user's wallet straight from a test account (the commission app does
the real crediting), change the withdrawal settings, build valid payout accounts."""

from __future__ import annotations

import itertools

import pytest

_seed_seq = itertools.count(1)
SEED_ACCOUNT = "expense:test:wallet_seed"


def seed_wallet(user, amount: int) -> None:
    from django.db import transaction

    from quanzi.ledger.services import Entry, ledger_post
    from quanzi.wallet.accounts import wallet_available

    with transaction.atomic():
        ledger_post(key=f"test-seed:{user.pk}:{next(_seed_seq)}", kind="test.seed", ref_type="user", ref_id=user.pk,
                    entries=[Entry(SEED_ACCOUNT, amount), Entry(wallet_available(user.pk), -amount)])


def card_number(prefix: str = "622202020011223344") -> str:
    """`prefix` plus the Luhn check digit: a bank card number the validator accepts."""
    from quanzi.wallet.services import luhn_ok

    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


ALIPAY_OK = "13800138000"
ALIPAY_FAILS = "13900000000"  # sandbox: ends in 0000 → the transfer fails
ALIPAY_PENDING = "13911111111"  # sandbox: ends in 1111 → pending, then paid on query


@pytest.fixture
def seed():
    return seed_wallet


@pytest.fixture
def wallet_settings(db):
    from quanzi.wallet.services import settings_update

    return settings_update


@pytest.fixture
def request_withdrawal():
    """`request_withdrawal(user, amount, number=ALIPAY_OK)` with sensible account defaults."""
    from quanzi.wallet.services import withdrawal_request

    def make(user, amount: int, number: str = ALIPAY_OK, account_type: str = "alipay", name: str = "张三"):
        return withdrawal_request(user=user, amount=amount, account_type=account_type, account_number=number,
                                  account_name=name)

    return make
