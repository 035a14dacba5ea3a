"""The shop review table (core.states) allows exactly the moves the review services make."""

import pytest
from django.utils import translation

from quanzi.core.errors import InvalidTransition
from quanzi.shops.constants import ShopStatus as S
from quanzi.shops.states import SHOP_REVIEW


def test_every_status_has_a_row():
    assert set(SHOP_REVIEW.states) == set(S.values)


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (S.APPLIED, S.APPROVED, True), (S.APPLIED, S.REJECTED, True), (S.APPLIED, S.SUSPENDED, False),
    (S.APPROVED, S.SUSPENDED, True), (S.APPROVED, S.APPROVED, False), (S.APPROVED, S.REJECTED, False),
    (S.SUSPENDED, S.APPROVED, True), (S.SUSPENDED, S.REJECTED, False),
    (S.REJECTED, S.APPLIED, True), (S.REJECTED, S.APPROVED, True), (S.REJECTED, S.SUSPENDED, False),
])
def test_the_review_moves(current, target, allowed):
    assert SHOP_REVIEW.can(current, target) is allowed


def test_a_refused_move_keeps_its_code_and_message():
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        SHOP_REVIEW.check(S.APPROVED, S.APPROVED)
    assert refused.value.code == "invalid_state"
    assert refused.value.message == "This shop cannot move from approved to approved."
