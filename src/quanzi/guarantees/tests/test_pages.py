"""The pages: badges in the shop and product slots, the order panel, filing with photos, the console's
guarantees & deposit and answers, the operator's queue; staff-only and owner-only pages answer 404."""

from __future__ import annotations

import pytest
from django.test import Client

from quanzi.guarantees import selectors, services
from quanzi.guarantees.tests.conftest import png

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_badges_show_on_the_shop_and_product_pages_only_while_the_deposit_covers_them(gt_shop, tea, guarantee):
    anon = _client()
    assert 'data-testid="gt-product-badges"' not in anon.get(f"/p/{tea.pk}/").content.decode()
    guarantee(gt_shop, kinds=("counterfeit", "returns_7day"), deposit=0)
    assert 'data-testid="gt-shop-badges"' not in anon.get(f"/shop/{gt_shop.pk}/").content.decode()
    guarantee(gt_shop, kinds=())  # pays what the two promises need
    shop_page = anon.get(f"/shop/{gt_shop.pk}/").content.decode()
    assert 'data-testid="gt-shop-badges"' in shop_page and "Genuine or 10× back" in shop_page
    assert "7-day returns" in shop_page and "guarantees/css/guarantees.css" in shop_page
    product_page = _client().get(f"/p/{tea.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'data-testid="gt-product-badges"' in product_page
    page = anon.get(f"/guarantees/shop/{gt_shop.pk}/").content.decode()
    assert 'data-testid="gt-promise-counterfeit"' in page and "¥1500.00" in page
    assert anon.get("/guarantees/shop/999999/").status_code == 404


def test_the_buyer_files_a_claim_from_the_order_page_and_follows_it(gt_shop, guarantee, received, shopper,
                                                                    make_shopper):
    guarantee(gt_shop)
    line = received()
    b = _client(shopper)
    order_page = b.get(f"/orders/{line.order.number}/").content.decode()
    assert f"/me/claims/new/{line.pk}/" in order_page
    assert _client(make_shopper()).get(f"/me/claims/new/{line.pk}/").status_code == 404
    r = b.post(f"/me/claims/new/{line.pk}/", {"kind": "counterfeit", "description": "假货"})
    assert r.status_code == 400 and "Add at least one photo" in r.content.decode()
    r = b.post(f"/me/claims/new/{line.pk}/", {"kind": "counterfeit", "description": "假货", "photos": [png()]})
    [claim] = selectors.claims_for_buyer(user=shopper)[0]
    assert r.status_code == 302 and r["Location"] == f"/me/claims/{claim.number}/"
    detail = b.get(r["Location"]).content.decode()
    assert 'data-testid="claim-photo"' in detail and "Claim filed" in detail
    assert claim.number in b.get("/me/claims/").content.decode()
    assert claim.number in b.get(f"/orders/{line.order.number}/").content.decode() or \
        f"/me/claims/{claim.number}/" in b.get(f"/orders/{line.order.number}/").content.decode()
    assert _client(make_shopper()).get(f"/me/claims/{claim.number}/").status_code == 404


def test_the_merchant_opts_in_pays_and_answers_in_the_console(gt_shop, shopper, guarantee, received, file_claim,
                                                               make_shop):
    m = _client(gt_shop.owner)
    page = m.get("/merchant/guarantees/").content.decode()
    assert 'data-testid="gt-opt-in-counterfeit"' in page and 'data-testid="console-nav-guarantees"' in page
    m.post("/merchant/guarantees/", {"kind": "counterfeit"})
    r = m.post("/merchant/guarantees/deposit/", {"amount": "1000"})
    assert r.status_code == 302 and "/pay/" in r["Location"]
    claim = file_claim(received())
    assert claim.number in m.get("/merchant/guarantees/").content.decode()
    assert _client(make_shop().owner).get(f"/merchant/guarantees/claims/{claim.number}/").status_code == 404
    m.post(f"/merchant/guarantees/claims/{claim.number}/", {"answer": "contest", "note": "有进货单"})
    claim.refresh_from_db()
    assert claim.status == "contested" and claim.merchant_note == "有进货单"


def test_the_operator_upholds_from_the_queue_and_others_cannot_see_it(gt_shop, guarantee, received, file_claim,
                                                                      operator, shopper, django_assert_max_num_queries):
    guarantee(gt_shop)
    claim = file_claim(received())
    services.claim_answer(user=gt_shop.owner, number=claim.number, accept=False, note="正品")
    assert _client(shopper).get("/ops/claims/").status_code == 404
    assert _client(shopper).get(f"/ops/claims/{claim.number}/").status_code == 404
    o = _client(operator)
    with django_assert_max_num_queries(12):
        queue = o.get("/ops/claims/").content.decode()
    assert claim.number in queue
    o.post(f"/ops/claims/{claim.number}/", {"decision": "upheld", "amount": "300.00", "note": "支持"})
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.amount == 30_000
    assert "¥300.00" in _client(shopper).get(f"/me/claims/{claim.number}/").content.decode()
