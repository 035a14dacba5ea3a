"""Ledger account codes of coupons (chart of accounts: docs/ledger.md, docs/promotions.md).

- `expense:coupons` — what platform-funded coupons cost the platform (debit-normal). When an order with one
  is paid, the platform's share of its discount is credited to the merchant's pending balance, so the
  merchant is paid as if the shopper had paid it; a refund claws the refunded lines' share back.
A merchant's own coupon needs no posting: its order simply costs (and pays the merchant) less.
"""

from quanzi.settlement.accounts import merchant_pending  # noqa: F401 - where the merchant's order money waits

COUPON_EXPENSE = "expense:coupons"
