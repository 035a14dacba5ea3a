"""The flash-sale demo data: a session on now with an item to win, a last unit and a sold-out item."""

import pytest

pytestmark = pytest.mark.django_db


def test_flash_seed_shows_every_case(make_shop, make_product, make_shopper, client):
    from quanzi.accounts.selectors import user_get_by_phone
    from quanzi.demo import data
    from quanzi.demo.runner import seed_section
    from quanzi.flashsale.selectors import units_left
    from quanzi.flashsale.testing import reservations, sales

    shop = make_shop()
    for n in range(5):
        make_product(shop=shop, title=f"秒杀商品 {n}", price=2990 + n * 100, stock=40)
    make_shopper(phone=data.DEMO_SHOPPER["phone"])
    make_shopper()
    make_shopper()
    result = seed_section("flash")
    assert result == {"sessions": 2, "items": 5, "won_by_others": 2}
    assert seed_section("flash") is None  # once
    [on_now] = sales(title_prefix="整点")
    left = units_left(items=list(on_now.items.order_by("sort")))
    assert sorted(left.values()) == [0, 1, 20]
    assert sorted(r.status for r in reservations()) == ["ordered", "paid"]
    page = client.get(f"/flash/{on_now.pk}/").content.decode()
    assert 'data-testid="fs-sold-out"' in page
    assert page.count('data-testid="fs-item"') == 3
    demo = user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])
    client.force_login(demo)
    mine = client.get(f"/flash/{on_now.pk}/").content.decode()
    assert mine.count('data-testid="fs-buy"') == 2  # the demo shopper can press buy on the two items left
