import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PRICE = 6800


def png(name: str = "evidence.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def gt_shop(make_shop):
    return make_shop()


@pytest.fixture
def tea(make_product, gt_shop):
    return make_product(shop=gt_shop, title="西湖龙井 250g", price=PRICE, stock=50)


@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True)


@pytest.fixture
def guarantee(pay):
    """`guarantee(shop, kinds=("counterfeit",), deposit=None)`: the shop opts in and pays the deposit (by default
    exactly what its promises need; 0 pays nothing) through the sandbox cashier."""
    from quanzi.guarantees import services

    def run(shop, kinds=("counterfeit",), deposit=None):
        for kind in kinds:
            services.guarantee_opt_in(user=shop.owner, kind=kind)
        amount = services.deposit_required(shop_id=shop.pk) if deposit is None else deposit
        if amount:
            _row, payment = services.deposit_start(user=shop.owner, amount=amount)
            pay(payment.number)

    return run


@pytest.fixture
def received(place_order, tea):
    """`received(user=None, delivered=True, sku=None)` → a line of a paid (and delivered) order of the tea."""
    from quanzi.orders.services import order_mark_delivered
    from quanzi.shipping.services import shipment_create

    def run(*, user=None, delivered: bool = True, sku=None):
        orders, _payment = place_order([(sku or tea.skus.get(), 1)], user=user, pay=True)
        order = orders[0]
        if delivered:
            shipment_create(shop=order.shop, order_number=order.number, carrier="sf",
                            tracking_number=f"SF{order.pk:08d}")
            order_mark_delivered(order_id=order.pk)
        return order.lines.get()

    return run


@pytest.fixture
def file_claim(shopper):
    """`file_claim(line, kind="counterfeit", user=shopper)` → the claim, with one photo."""
    from quanzi.guarantees import services

    def run(line, kind="counterfeit", user=None, description="茶叶颜色不对，防伪码无法验证。"):
        return services.claim_file(user=user or shopper, line_id=line.pk, kind=kind, description=description,
                                   photos=[png()])

    return run


@pytest.fixture
def deposit_of():
    from quanzi.guarantees.selectors import deposit_balance

    def read(shop):
        return deposit_balance(shop_id=shop.pk)

    return read


@pytest.fixture
def wallet_of():
    from quanzi.ledger.selectors import balance
    from quanzi.wallet.accounts import wallet_available

    def read(user):
        return -balance(code=wallet_available(user.pk))

    return read
