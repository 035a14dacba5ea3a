"""The operator admin: pages render, decisions go through the services, the ledger is read-only."""

import pytest
from django.urls import reverse

from quanzi.ledger import testing as ledger_testing
from quanzi.orders import aftersales
from quanzi.orders import testing as orders_testing
from quanzi.orders.constants import AfterSaleStatus
from quanzi.settlement import testing as settlement_testing
from quanzi.settlement.constants import PayoutStatus
from quanzi.shops.constants import ShopStatus


@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True)


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


def settle_order(order):
    """Ship, deliver, confirm and settle a paid order: its money becomes the merchant's available balance."""
    from quanzi.orders.services import order_confirm_receipt
    from quanzi.settlement.services import order_settle
    from quanzi.shipping.services import shipment_create

    shipment_create(shop=order.shop, order_number=order.number, carrier="sandbox")
    order_confirm_receipt(order_id=order.pk)
    order_settle(order_id=order.pk)


CHANGELISTS = [
    "shops_shop", "catalog_category", "catalog_product", "catalog_banner", "settlement_payout",
    "settlement_settlement", "ledger_account", "ledger_transaction", "ledger_posting", "orders_order",
    "orders_aftersale", "payments_payment", "payments_refund", "payments_paymentnotification",
    "shipping_shipment", "accounts_user", "accounts_address", "accounts_apitoken",
]


def test_admin_index_shows_the_operator_branding_and_what_waits(admin_client, make_shop):
    make_shop(approved=False)

    page = admin_client.get(reverse("admin:index"))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Quanzi operator console" in body
    assert '<b>1</b><span>Shops waiting for review</span>' in body


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_changelist_renders_with_data(admin_client, name, place_order, sku):
    orders, _ = place_order([(sku, 1)], pay=True)

    page = admin_client.get(reverse(f"admin:{name}_changelist"))

    assert page.status_code == 200


def test_order_page_shows_lines_timeline_and_masked_recipient_phone(admin_client, place_order, sku):
    (order,), _ = place_order([(sku, 2)], pay=True)

    page = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert order.number in page
    assert sku.product.title in page
    assert "138****8000" in page and "13800138000" not in page
    assert "Save" not in page  # read-only


def test_user_list_shows_masked_phones_only(admin_client, make_user):
    make_user(phone="13912345678", nickname="Lily")

    page = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "139****5678" in page
    assert "13912345678" not in page


def test_user_search_by_phone(admin_client, make_user):
    make_user(phone="13912345678", nickname="Lily")
    make_user(phone="13700000001", nickname="Bob")

    page = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "13912345678"}).content.decode()

    assert "Lily" in page and "Bob" not in page


def test_ledger_account_list_costs_the_same_queries_for_many_accounts(admin_client, place_order, make_shop,
                                                                      make_product, django_assert_max_num_queries):
    for _ in range(4):
        shop = make_shop()
        sku = make_product(shop=shop).skus.get()
        (order,), _ = place_order([(sku, 1)], pay=True)

    # 9 for the page + one "may add?" check per singleton-settings admin in the sidebar (take rate,
    # sharing, commission, withdrawal settings): constant, whatever the number of accounts
    with django_assert_max_num_queries(13):
        page = admin_client.get(reverse("admin:ledger_account_changelist"))

    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("merchant:") >= 4
    assert body.count(f">¥{order.total // 100}.00<") >= 4  # pending balances, shown on the credit side
    assert f">-¥{order.total // 100}.00<" in body  # the same as raw debit − credit


def test_ledger_cannot_be_edited_or_deleted(admin_client, place_order, sku):
    place_order([(sku, 1)], pay=True)
    txn = ledger_testing.transactions()[0]

    page = admin_client.get(reverse("admin:ledger_transaction_change", args=[txn.pk])).content.decode()
    assert txn.idempotency_key in page
    assert 'name="_save"' not in page
    assert admin_client.get(reverse("admin:ledger_transaction_delete", args=[txn.pk])).status_code == 403
    assert admin_client.get(reverse("admin:ledger_account_add")).status_code == 403


def test_check_ledger_page_reports_a_balanced_ledger(admin_client, place_order, sku):
    place_order([(sku, 1)], pay=True)

    listing = admin_client.get(reverse("admin:ledger_account_changelist")).content.decode()
    page = admin_client.get(reverse("admin:ledger_check")).content.decode()

    assert reverse("admin:ledger_check") in listing
    assert "The ledger balances" in page
    assert "ledger check ok" in page


def test_check_ledger_page_reports_an_unbalanced_transaction(admin_client):
    txn = ledger_testing.make_unbalanced_transaction(amount=100)

    page = admin_client.get(reverse("admin:ledger_check")).content.decode()

    assert "FAILED" in page
    assert f"transaction {txn.pk} sums to 100" in page


def test_approve_action_approves_a_shop(admin_client, make_shop):
    shop = make_shop(approved=False)

    response = admin_client.post(reverse("admin:shops_shop_changelist"),
                                 {"action": "approve", "_selected_action": [shop.pk]}, follow=True)

    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
    assert "Approve: 1 done." in response.content.decode()


def test_reject_action_asks_for_a_note_and_the_merchant_gets_it(admin_client, make_shop):
    shop = make_shop(approved=False)
    url = reverse("admin:shops_shop_changelist")

    ask = admin_client.post(url, {"action": "reject", "_selected_action": [shop.pk], "index": 0})
    empty = admin_client.post(url, {"action": "reject", "_selected_action": [shop.pk], "apply": "1", "note": " "})
    done = admin_client.post(url, {"action": "reject", "_selected_action": [shop.pk], "apply": "1",
                                   "note": "Licence photo unreadable"})

    assert ask.status_code == 200 and 'name="note"' in ask.content.decode()
    assert empty.status_code == 400 and "Write a note" in empty.content.decode()
    assert done.status_code == 302
    shop.refresh_from_db()
    assert shop.status == ShopStatus.REJECTED
    assert shop.review_note == "Licence photo unreadable"


def test_shop_page_offers_review_buttons_and_shows_the_licence(admin_client, make_shop):
    shop = make_shop(approved=False)

    page = admin_client.get(reverse("admin:shops_shop_change", args=[shop.pk])).content.decode()
    approve = admin_client.post(reverse("admin:shops_shop_decide", args=[shop.pk, "approve"]), {"apply": "1"})

    assert shop.licence_number in page and "Wang" in page
    assert reverse("admin:shops_shop_decide", args=[shop.pk, "approve"]) in page
    assert approve.status_code == 302
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED


def test_a_decision_on_the_wrong_state_shows_the_reason(admin_client, shop):
    response = admin_client.post(reverse("admin:shops_shop_changelist"),
                                 {"action": "approve", "_selected_action": [shop.pk]}, follow=True)

    assert "cannot move from approved to approved" in response.content.decode()


def test_take_rate_is_editable_on_the_shop(admin_client, shop):
    response = admin_client.post(reverse("admin:shops_shop_change", args=[shop.pk]), {"take_rate_bps": "300"})

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.take_rate_bps == 300


def test_escalated_aftersale_decision_with_note_refunds(admin_client, place_order, sku, shop, shopper,
                                                       submit_refunds, ledger_balanced):
    (order,), _ = place_order([(sku, 1)], pay=True)
    line = order.lines.get()
    request = aftersales.aftersale_request(user=shopper, order_id=order.pk, line_id=line.pk, kind="refund_only",
                                           quantity=1, reason="quality")
    aftersales.aftersale_reject(shop=shop, after_sale_id=request.pk, note="Already packed")
    aftersales.aftersale_escalate(user=shopper, after_sale_id=request.pk, note="Please help")
    url = reverse("admin:orders_aftersale_changelist")

    listed = admin_client.get(url, {"escalated": "yes"}).content.decode()
    no_note = admin_client.post(url, {"action": "refund", "_selected_action": [request.pk], "apply": "1"})
    decided = admin_client.post(url, {"action": "refund", "_selected_action": [request.pk], "apply": "1",
                                      "note": "Merchant agreed on the phone"})
    submit_refunds()

    assert request.number in listed
    assert no_note.status_code == 400
    assert decided.status_code == 302
    request.refresh_from_db()
    line.refresh_from_db()
    assert request.status == AfterSaleStatus.REFUNDED
    assert request.operator_note == "Merchant agreed on the phone"
    assert line.refunded_amount == line.line_total
    ledger_balanced()


def test_close_without_refund_from_the_aftersale_page(admin_client, place_order, sku, shop, shopper):
    (order,), _ = place_order([(sku, 1)], pay=True)
    request = aftersales.aftersale_request(user=shopper, order_id=order.pk, line_id=order.lines.get().pk,
                                           kind="refund_only", quantity=1, reason="quality")
    aftersales.aftersale_reject(shop=shop, after_sale_id=request.pk, note="No")
    aftersales.aftersale_escalate(user=shopper, after_sale_id=request.pk)
    decide = reverse("admin:orders_aftersale_decide", args=[request.pk, "close_without_refund"])

    page = admin_client.get(reverse("admin:orders_aftersale_change", args=[request.pk])).content.decode()
    response = admin_client.post(decide, {"apply": "1", "note": "Photos show no defect"})

    assert decide in page
    assert response.status_code == 302
    assert orders_testing.aftersale_get(after_sale_id=request.pk).status == AfterSaleStatus.CLOSED


def test_payout_approve_and_pay(admin_client, place_order, sku, shop, ledger_balanced):
    from quanzi.settlement.services import merchant_balances, payout_request

    (order,), _ = place_order([(sku, 1)], pay=True)
    settle_order(order)
    payout = payout_request(shop=shop, amount=5000, bank_account="6222 0000 1234")
    url = reverse("admin:settlement_payout_changelist")

    confirm = admin_client.post(url, {"action": "approve_and_pay", "_selected_action": [payout.pk], "index": 0})
    done = admin_client.post(url, {"action": "approve_and_pay", "_selected_action": [payout.pk], "apply": "1"},
                             follow=True)

    assert payout.number in confirm.content.decode()
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert "Approve and pay: 1 done." in done.content.decode()
    assert merchant_balances(shop_id=shop.pk)["paid_out"] == 5000
    ledger_balanced()


def test_payout_reject_needs_a_reason_and_returns_the_money(admin_client, place_order, sku, shop):
    from quanzi.settlement.services import merchant_balances, payout_request

    (order,), _ = place_order([(sku, 1)], pay=True)
    settle_order(order)
    before = merchant_balances(shop_id=shop.pk)["available"]
    payout = payout_request(shop=shop, amount=5000, bank_account="6222 0000 1234")

    admin_client.post(reverse("admin:settlement_payout_changelist"),
                      {"action": "reject", "_selected_action": [payout.pk], "apply": "1", "note": "Wrong account"})

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.REJECTED
    assert merchant_balances(shop_id=shop.pk)["available"] == before


def test_take_rate_policy_list_opens_the_single_row(admin_client):
    policy = settlement_testing.make_take_rate_policy(default_bps=450)

    response = admin_client.get(reverse("admin:settlement_takeratepolicy_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:settlement_takeratepolicy_change", args=[policy.pk])
    assert admin_client.get(reverse("admin:settlement_takeratepolicy_add")).status_code == 403


def test_operator_takes_a_product_off_the_shelf(admin_client, product):
    admin_client.post(reverse("admin:catalog_product_changelist"),
                      {"action": "take_off_shelf", "_selected_action": [product.pk]})

    product.refresh_from_db()
    assert product.status == "off_shelf"


def test_non_staff_cannot_open_the_admin(client, make_user):
    client.force_login(make_user())

    response = client.get(reverse("admin:shops_shop_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
