"""The product page's share button says what sharing the product earns (sharing.earnings, filled here)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_share_button_says_what_sharing_earns_under_a_distribution_plan(client, product, shop,
                                                                               django_capture_on_commit_callbacks):
    from quanzi.commission.selectors import share_earning_estimate
    from quanzi.commission.services import plan_create

    assert share_earning_estimate(product, None) is None
    assert 'data-testid="share-button"' in client.get(f"/p/{product.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        plan_create(shop=shop, rate_bps=1000, product_id=product.pk)  # 10% of the price to the sharers
    expected = share_earning_estimate(product, None)
    assert expected and expected <= product.min_price // 10
    html = client.get(f"/p/{product.pk}/").content.decode()
    assert "Share · earn" in html
