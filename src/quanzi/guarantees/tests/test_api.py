"""The guarantees API: schemas, the one error shape, authorisation (another's object → 404) and hostile input."""

from __future__ import annotations

import json

import pytest

from quanzi.guarantees.tests.conftest import PRICE, png

pytestmark = pytest.mark.django_db


def _post(client, path, body, **headers):
    return client.post(f"/api/v1/guarantees{path}", json.dumps(body), content_type="application/json", **headers)


def test_a_merchant_opts_in_and_pays_the_deposit_through_the_api_with_an_idempotency_key(api, gt_shop, pay,
                                                                                        expect_error):
    m = api(gt_shop.owner)
    r = _post(m, "/merchant/guarantees", {"kind": "returns_7day"})
    assert r.status_code == 201 and r.json()["deposit_required"] == {"amount": 50_000, "currency": "CNY"}
    expect_error(_post(m, "/merchant/guarantees", {"kind": "假一赔百"}), 400, "invalid_kind")
    expect_error(_post(m, "/merchant/deposits", {"amount": 10**30}), 400)
    expect_error(_post(m, "/merchant/deposits", {"amount": 100}), 400, "invalid_amount")
    first = _post(m, "/merchant/deposits", {"amount": 50_000}, HTTP_IDEMPOTENCY_KEY="dep-1")
    again = _post(m, "/merchant/deposits", {"amount": 50_000}, HTTP_IDEMPOTENCY_KEY="dep-1")
    assert first.status_code == 201 and again.json() == first.json()
    expect_error(_post(m, "/merchant/deposits", {"amount": 60_000}, HTTP_IDEMPOTENCY_KEY="dep-1"), 409)
    pay(first.json()["payment"]["payment_number"])
    account = m.get("/api/v1/guarantees/merchant").json()
    assert account["deposit"]["amount"] == 50_000 and account["live"] is True
    public = api().get(f"/api/v1/guarantees/shops/{gt_shop.pk}").json()
    assert public["guarantees"] == ["returns_7day"] and public["disputes"]["rate_bps"] == 0
    expect_error(api().get("/api/v1/guarantees/shops/99999999"), 404, "shop_not_found")


def test_the_claim_journey_through_the_api(api, gt_shop, guarantee, received, shopper, operator, make_shopper,
                                           expect_error, ledger_balanced):
    guarantee(gt_shop)
    line = received()
    b = api(shopper)
    r = b.post("/api/v1/guarantees/claims", {"line_id": line.pk, "kind": "counterfeit", "description": "防伪码扫不出",
                                             "photos": [png()]})
    assert r.status_code == 201, r.content
    claim = r.json()
    assert claim["status"] == "filed" and claim["cap"] == {"amount": 10 * PRICE, "currency": "CNY"}
    assert len(claim["photos"]) == 1 and claim["timeline"][0]["text"] == "Claim filed"
    number = claim["number"]
    expect_error(b.post("/api/v1/guarantees/claims", {"line_id": line.pk, "kind": "counterfeit",
                                                      "description": "again", "photos": [png()]}), 409, "claim_exists")
    assert [c["number"] for c in b.get("/api/v1/guarantees/claims").json()["items"]] == [number]

    stranger = api(make_shopper())
    expect_error(stranger.get(f"/api/v1/guarantees/claims/{number}"), 404, "claim_not_found")
    expect_error(stranger.post("/api/v1/guarantees/claims", {"line_id": line.pk, "kind": "counterfeit",
                                                             "description": "x" * 5, "photos": [png()]}), 404)
    expect_error(_post(stranger, "/ops/claims/" + number + "/decide", {"decision": "upheld"}), 403, "staff_only")

    m = api(gt_shop.owner)
    assert [c["number"] for c in m.get("/api/v1/guarantees/merchant/claims?open_only=true").json()["items"]] == [number]
    r = _post(m, f"/merchant/claims/{number}/answer", {"accept": False, "note": "正品"})
    assert r.status_code == 200 and r.json()["status"] == "contested"

    o = api(operator)
    assert [c["number"] for c in o.get("/api/v1/guarantees/ops/claims").json()] == [number]
    expect_error(_post(o, f"/ops/claims/{number}/decide", {"decision": "upheld", "amount": 10**30}), 400)
    r = _post(o, f"/ops/claims/{number}/decide", {"decision": "upheld", "amount": 20_000}, HTTP_IDEMPOTENCY_KEY="d1")
    assert r.status_code == 200 and r.json()["status"] == "paid" and r.json()["amount"]["amount"] == 20_000
    assert _post(o, f"/ops/claims/{number}/decide", {"decision": "upheld", "amount": 20_000},
                 HTTP_IDEMPOTENCY_KEY="d1").json() == r.json()
    expect_error(_post(o, f"/ops/claims/{number}/decide", {"decision": "upheld"}), 409, "invalid_claim_state")
    detail = b.get(f"/api/v1/guarantees/claims/{number}").json()
    assert detail["status"] == "paid" and detail["timeline"][-1]["text"] == "Paid ¥200.00 to your wallet"
    ledger_balanced()


def test_hostile_claim_input_is_a_4xx(api, gt_shop, guarantee, received, shopper, expect_error):
    from django.core.files.uploadedfile import SimpleUploadedFile

    guarantee(gt_shop)
    line = received()
    b = api(shopper)
    url = "/api/v1/guarantees/claims"
    expect_error(b.post(url, {"line_id": "9" * 40, "kind": "counterfeit", "description": "假货", "photos": [png()]}),
                 404)
    expect_error(b.post(url, {"line_id": line.pk, "kind": "counterfeit", "description": "x" * 10_000,
                              "photos": [png()]}), 400, "text_too_long")
    expect_error(b.post(url, {"line_id": line.pk, "kind": "counterfeit", "description": "假货",
                              "photos": [SimpleUploadedFile("a.png", b"GIF89a-not-really", "image/png")]}),
                 400, "not_an_image")
    expect_error(_post(api(gt_shop.owner), "/merchant/guarantees", {"kind": "counterfeit\ud800"}), 400,
                 "invalid_characters")  # a lone surrogate only arrives as a JSON escape
    expect_error(b.get("/api/v1/guarantees/claims/" + "Z" * 300), 404)
    expect_error(api().get("/api/v1/guarantees/claims"), 401)


def test_the_openapi_schema_lists_the_guarantees_api(api):
    paths = api().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/guarantees/claims", "/api/v1/guarantees/ops/claims/{number}/decide",
                 "/api/v1/guarantees/merchant/deposits", "/api/v1/guarantees/shops/{shop_id}"):
        assert path in paths
