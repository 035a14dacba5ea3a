"""Guarantees and claims through the services: the deposit, filing, answering, deciding and paying — money
through the ledger, authorisation and bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.guarantees import selectors, services
from quanzi.guarantees.constants import MIN_DEPOSIT, SHIP_COMPENSATION
from quanzi.guarantees.tasks import guarantees_lapse_claims
from quanzi.guarantees.tests.conftest import PRICE, png
from quanzi.ledger.testing import transaction_count

pytestmark = pytest.mark.django_db


def _error(fn, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        fn(**kwargs)
    return caught.value


# ---------------------------------------------------------------- the deposit

def test_a_paid_deposit_is_held_in_the_ledger_and_the_guarantee_then_shows(gt_shop, pay, deposit_of,
                                                                           ledger_balanced, notify_sandbox):
    services.guarantee_opt_in(user=gt_shop.owner, kind="counterfeit")
    services.guarantee_opt_in(user=gt_shop.owner, kind="counterfeit")  # the same promise, not a second one
    info = selectors.shop_guarantees(shop_id=gt_shop.pk)
    assert info["kinds"] == ["counterfeit"] and info["required"] == MIN_DEPOSIT["counterfeit"]
    assert not info["live"] and selectors.shop_badges(shop_id=gt_shop.pk) == []

    err = _error(services.deposit_start, user=gt_shop.owner, amount=MIN_DEPOSIT["counterfeit"] - 1)
    assert (err.status, err.code) == (400, "invalid_amount")
    row, payment = services.deposit_start(user=gt_shop.owner, amount=MIN_DEPOSIT["counterfeit"])
    assert payment.purpose == "guarantee_deposit" and payment.amount == row.amount
    assert deposit_of(gt_shop) == 0  # nothing until the payment is captured
    pay(payment.number)
    notify_sandbox(payment.number)  # the provider's notification again: credited once
    assert deposit_of(gt_shop) == MIN_DEPOSIT["counterfeit"]
    assert transaction_count(kind="guarantees.deposit") == 1
    assert selectors.shop_badges(shop_id=gt_shop.pk) == ["counterfeit"]
    ledger_balanced()


def test_a_shop_without_a_guarantee_cannot_pay_a_deposit_and_a_shopper_cannot_opt_in(gt_shop, shopper):
    assert _error(services.deposit_start, user=gt_shop.owner, amount=10_000).code == "no_guarantee"
    err = _error(services.guarantee_opt_in, user=shopper, kind="counterfeit")
    assert (err.status, err.code) == (403, "no_shop")
    assert _error(services.guarantee_opt_in, user=gt_shop.owner, kind="fake").status == 400


# ---------------------------------------------------------------- filing

def test_a_buyer_files_a_counterfeit_claim_with_a_photo_on_a_received_line(gt_shop, guarantee, received, shopper):
    guarantee(gt_shop)
    line = received()
    claim = services.claim_file(user=shopper, line_id=line.pk, kind="counterfeit", description="  假货  ",
                                photos=[png(), png("b.png")])
    assert claim.status == "filed" and claim.description == "假货"
    assert claim.cap == 10 * PRICE and claim.line_paid == PRICE
    assert claim.answer_deadline == claim.created_at + dt.timedelta(hours=72)
    assert [p.image.startswith("claims/") for p in claim.photos.all()] == [True, True]
    assert [e.text() for e in claim.events.all()] == ["Claim filed"]


def test_claims_on_a_line_not_yours_are_404_and_a_second_claim_is_409(gt_shop, guarantee, received, make_shopper,
                                                                       file_claim):
    guarantee(gt_shop)
    line = received()
    stranger = make_shopper()
    err = _error(services.claim_file, user=stranger, line_id=line.pk, kind="counterfeit", description="假货",
                 photos=[png()])
    assert (err.status, err.code) == (404, "line_not_found")
    for line_id in (0, -1, 10**30, True, "1"):
        assert _error(services.claim_file, user=stranger, line_id=line_id, kind="counterfeit", description="假货",
                      photos=[png()]).status == 404
    file_claim(line)
    err = _error(file_claim, line=line)
    assert (err.status, err.code) == (409, "claim_exists")


def test_evidence_that_is_not_an_image_is_refused_and_nothing_is_stored(gt_shop, guarantee, received, shopper):
    from django.core.files.uploadedfile import SimpleUploadedFile

    guarantee(gt_shop)
    line = received()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    err = _error(services.claim_file, user=shopper, line_id=line.pk, kind="counterfeit", description="假货",
                 photos=[fake])
    assert (err.status, err.code) == (400, "not_an_image")
    err = _error(services.claim_file, user=shopper, line_id=line.pk, kind="counterfeit", description="假货")
    assert (err.status, err.code) == (400, "photos_required")
    err = _error(services.claim_file, user=shopper, line_id=line.pk, kind="counterfeit", description="假货",
                 photos=[png() for _ in range(7)])
    assert err.code == "too_many_images"
    assert selectors.claims_for_buyer(user=shopper)[0] == []


def test_hostile_descriptions_are_refused(gt_shop, guarantee, received, shopper):
    guarantee(gt_shop)
    line = received()
    for text, code in (("\ud800假货", "invalid_characters"), ("假\x00货", "invalid_characters"),
                       ("x" * 10_000, "text_too_long"), ("", "text_required")):
        err = _error(services.claim_file, user=shopper, line_id=line.pk, kind="counterfeit", description=text,
                     photos=[png()])
        assert (err.status, err.code) == (400, code)


def test_no_claim_before_delivery_nor_under_a_promise_the_shop_did_not_make_when_you_bought(
        gt_shop, guarantee, received, shopper, file_claim):
    line = received()  # bought before the shop made any promise
    guarantee(gt_shop)
    assert _error(file_claim, line=line).code == "no_guarantee"
    assert _error(file_claim, line=received(), kind="returns_7day").code == "no_guarantee"
    assert _error(file_claim, line=received(delivered=False)).code == "not_delivered"


def test_a_parcel_not_shipped_within_48_hours_can_be_claimed_for_the_fixed_compensation(gt_shop, guarantee,
                                                                                       received, file_claim):
    guarantee(gt_shop, kinds=("ship_on_time",))
    line = received(delivered=False)
    assert _error(file_claim, line=line, kind="ship_on_time").code == "shipped_on_time"
    with clock.travel(dt.timedelta(hours=49)):
        claim = file_claim(line, kind="ship_on_time")
    assert claim.cap == SHIP_COMPENSATION


# ---------------------------------------------------------------- answering

def test_the_merchant_contests_with_a_note_and_only_their_own_claims(gt_shop, guarantee, received, file_claim,
                                                                     make_shop):
    guarantee(gt_shop)
    claim = file_claim(received())
    other = make_shop()
    assert _error(services.claim_answer, user=other.owner, number=claim.number, accept=False,
                  note="不是我家的").status == 404
    assert _error(services.claim_answer, user=gt_shop.owner, number=claim.number, accept=False).code == "text_required"
    claim = services.claim_answer(user=gt_shop.owner, number=claim.number, accept=False, note="附进货单")
    assert claim.status == "contested" and claim.merchant_note == "附进货单"
    err = _error(services.claim_answer, user=gt_shop.owner, number=claim.number, accept=True)
    assert (err.status, err.code) == (409, "invalid_claim_state")


def test_no_answer_by_the_deadline_sends_the_claim_to_the_operator(gt_shop, guarantee, received, file_claim):
    guarantee(gt_shop)
    claim = file_claim(received())
    assert guarantees_lapse_claims() == 0
    with clock.travel(dt.timedelta(hours=73)):
        assert _error(services.claim_answer, user=gt_shop.owner, number=claim.number,
                      accept=True).code == "answer_too_late"
        assert guarantees_lapse_claims() == 1
        assert guarantees_lapse_claims() == 0
    claim.refresh_from_db()
    assert claim.status == "lapsed"
    assert [c.number for c in selectors.claims_awaiting_decision()] == [claim.number]


# ---------------------------------------------------------------- deciding and paying

def test_an_upheld_claim_is_paid_once_from_the_deposit_into_the_buyers_wallet(
        gt_shop, guarantee, received, file_claim, operator, shopper, deposit_of, wallet_of, ledger_balanced):
    guarantee(gt_shop, deposit=200_000)
    claim = file_claim(received())
    assert _error(services.claim_decide, operator=operator, number=claim.number,
                  decision="upheld").code == "awaiting_merchant"
    services.claim_answer(user=gt_shop.owner, number=claim.number, accept=False, note="正品")
    assert _error(services.claim_decide, operator=shopper, number=claim.number, decision="upheld").status == 404
    assert _error(services.claim_decide, operator=operator, number=claim.number, decision="upheld",
                  amount=10 * PRICE + 1).code == "invalid_amount"
    claim = services.claim_decide(operator=operator, number=claim.number, decision="upheld", note="支持买家")
    assert (claim.status, claim.amount, claim.from_deposit, claim.from_fund) == ("paid", 68_000, 68_000, 0)
    assert deposit_of(gt_shop) == 200_000 - 68_000 and wallet_of(shopper) == 68_000
    err = _error(services.claim_decide, operator=operator, number=claim.number, decision="upheld")
    assert (err.status, err.code) == (409, "invalid_claim_state")
    assert wallet_of(shopper) == 68_000 and transaction_count(kind="guarantees.claim") == 1
    texts = [e.text() for e in claim.events.all()]
    assert texts == ["Claim filed", "The merchant contested the claim", "Claim upheld: ¥680.00 to pay",
                     "Paid ¥680.00 to your wallet"]
    assert selectors.shop_deposit_account(shop=gt_shop)["paid_out"] == 68_000
    ledger_balanced()


def test_when_the_deposit_is_short_the_platform_fund_pays_the_rest(gt_shop, guarantee, received, file_claim,
                                                                   operator, shopper, deposit_of, wallet_of,
                                                                   ledger_balanced):
    from quanzi.guarantees import accounts as acct
    from quanzi.ledger.selectors import balance

    guarantee(gt_shop)  # the ¥1,000 its promise needs
    first = file_claim(received())
    second = file_claim(received())
    for c in (first, second):
        services.claim_answer(user=gt_shop.owner, number=c.number, accept=True)
    services.claim_decide(operator=operator, number=first.number, decision="upheld")  # ¥680 of ¥1,000
    second = services.claim_decide(operator=operator, number=second.number, decision="upheld", amount=50_000)
    assert (second.from_deposit, second.from_fund) == (32_000, 18_000)
    assert deposit_of(gt_shop) == 0 and wallet_of(shopper) == 68_000 + 50_000
    assert balance(code=acct.GUARANTEE_FUND) == 18_000
    assert not selectors.shop_guarantees(shop_id=gt_shop.pk)["live"]  # the badges go until the shop pays again
    ledger_balanced()


def test_a_rejected_claim_pays_nothing_and_needs_a_reason(gt_shop, guarantee, received, file_claim, operator,
                                                          shopper, wallet_of):
    guarantee(gt_shop)
    claim = file_claim(received())
    services.claim_answer(user=gt_shop.owner, number=claim.number, accept=False, note="正品，有检测报告")
    assert _error(services.claim_decide, operator=operator, number=claim.number,
                  decision="rejected").code == "text_required"
    assert _error(services.claim_decide, operator=operator, number=claim.number, decision="maybe").status == 400
    claim = services.claim_decide(operator=operator, number=claim.number, decision="rejected", note="检测报告有效")
    assert claim.status == "rejected" and claim.amount == 0 and wallet_of(shopper) == 0


def test_three_upheld_counterfeits_in_90_days_suspend_the_shop(gt_shop, guarantee, received, file_claim, operator,
                                                               make_shopper):
    from quanzi.shops.selectors import shop_get

    guarantee(gt_shop, deposit=500_000)
    for n in range(3):
        buyer = make_shopper()
        claim = file_claim(received(user=buyer), user=buyer)
        services.claim_answer(user=gt_shop.owner, number=claim.number, accept=True)
        services.claim_decide(operator=operator, number=claim.number, decision="upheld")
        assert shop_get(shop_id=gt_shop.pk).status == ("suspended" if n == 2 else "approved")
    stats = selectors.shop_dispute_stats(shop=gt_shop)
    assert (stats["claims"], stats["upheld"], stats["orders"]) == (3, 3, 3) and stats["rate"] == "100.0%"
