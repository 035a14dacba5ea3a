import datetime as dt
import os

import pytest

from quanzi.core import clock


@pytest.fixture(autouse=True)
def _fresh_meta():
    from quanzi.flashsale import gate

    gate.forget_meta()
    yield
    gate.forget_meta()


@pytest.fixture
def make_sale(shop, make_product):
    """`make_sale(stock=5, limit=1, starts_in=-60)` → a published session with one item (¥9.90 instead of ¥59)."""
    from quanzi.flashsale.services import sale_create, sale_publish

    def make(*, stock: int = 5, limit: int = 1, starts_in: int = -60, lasts: int = 3600, sku_stock: int = 50,
             publish: bool = True, reservation_seconds: int = 300):
        product = make_product(shop=shop, stock=sku_stock)
        sku = product.skus.get()
        now = clock.now()
        sale = sale_create(shop=shop, title="整点秒杀", starts_at=now + dt.timedelta(seconds=starts_in),
                           ends_at=now + dt.timedelta(seconds=starts_in + lasts), reservation_seconds=reservation_seconds,
                           items=[{"sku_id": sku.pk, "price": 990, "stock": stock, "per_user_limit": limit}])
        if publish:
            sale = sale_publish(sale_id=sale.pk, shop=shop)
        return sale

    return make


@pytest.fixture
def sale(make_sale):
    return make_sale()


@pytest.fixture
def item(sale):
    return sale.items.get()


@pytest.fixture
def token_for():
    from quanzi.flashsale.services import token_for as issue

    def make(user, item):
        return issue(user=user, item_id=item.pk)[0]

    return make


@pytest.fixture
def buy(token_for):
    """`buy(user, item, quantity=1)` → Purchase, through the same pipeline as the API."""
    from quanzi.flashsale.purchase import purchase

    def run(user, item, quantity: int = 1, ip: str = "10.0.0.1"):
        return purchase(token=token_for(user, item), quantity=quantity, ip=ip)

    return run


def pool_left(item) -> int:
    from quanzi.catalog.selectors import pool_units

    return pool_units(pools=[item.stock_pool])[item.stock_pool]


@pytest.fixture
def redis_gate(settings):
    """Switch the flash-sale gate to Redis (a key prefix of its own; skipped if Redis is not running)."""
    import uuid

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):  # CI has Redis: a missing one must fail there, not skip the gate's tests
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"qz:test:{uuid.uuid4().hex[:8]}"
    settings.QUANZI = {**settings.QUANZI, "FLASH_GATE": "redis", "FLASH_REDIS_URL": url, "FLASH_REDIS_PREFIX": prefix}
    from quanzi.flashsale import gate

    yield gate.current_gate()
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
