"""A merchant applies, the operator approves or rejects, and only approved shops sell."""

import pytest

from quanzi.catalog.selectors import product_detail, product_list, product_search
from quanzi.core.errors import Conflict, ValidationFailed
from quanzi.shops.constants import ShopStatus
from quanzi.shops.selectors import shop_for_owner, shop_list_selling
from quanzi.shops.services import shop_apply, shop_approve, shop_reject, shop_suspend, shop_update

pytestmark = pytest.mark.django_db

GOOD = {"name": "小红的店 Red's", "description": "手作", "licence_number": "91310000MA1FL0XX9Y",
        "contact_name": "王红", "contact_phone": "13800138000"}


def test_a_merchant_applies_and_waits_for_review(make_user):
    owner = make_user()
    shop = shop_apply(owner=owner, data=GOOD)
    assert shop.status == ShopStatus.APPLIED
    assert shop_for_owner(user=owner).pk == shop.pk
    assert shop not in shop_list_selling()


@pytest.mark.parametrize("field,value", [("name", "x"), ("licence_number", "123"), ("licence_number", "9131-0000-MA"),
                                         ("contact_name", ""), ("contact_phone", "")])
def test_an_incomplete_application_is_refused_with_the_field(make_user, field, value):
    with pytest.raises(ValidationFailed) as exc:
        shop_apply(owner=make_user(), data={**GOOD, field: value})
    assert field in exc.value.fields


def test_one_shop_per_merchant_and_names_are_unique(make_user):
    owner = make_user()
    shop_apply(owner=owner, data=GOOD)
    with pytest.raises(Conflict) as exc:
        shop_apply(owner=owner, data={**GOOD, "name": "另一家店"})
    assert exc.value.code == "shop_exists"
    with pytest.raises(Conflict) as exc:
        shop_apply(owner=make_user(), data=GOOD)
    assert exc.value.code == "shop_name_taken"


def test_approval_rejection_and_suspension_follow_the_review_rules(make_user):
    shop = shop_apply(owner=make_user(), data=GOOD)
    with pytest.raises(ValidationFailed):
        shop_reject(shop_id=shop.pk, note=" ")
    assert shop_approve(shop_id=shop.pk).status == ShopStatus.APPROVED
    with pytest.raises(Conflict):
        shop_reject(shop_id=shop.pk, note="too late")  # only an application is rejected
    assert shop_suspend(shop_id=shop.pk, note="licence expired").status == ShopStatus.SUSPENDED
    assert shop_approve(shop_id=shop.pk, note="renewed").status == ShopStatus.APPROVED


def test_a_suspended_shops_goods_disappear_from_the_storefront(make_product, shop):
    product = make_product(shop=shop, title="纯棉T恤 Cotton tee")
    assert product_list(shop_id=shop.pk) == [product]
    shop_suspend(shop_id=shop.pk, note="complaints")
    assert product_list(shop_id=shop.pk) == []
    assert product_search(query="T恤") == []
    assert product_detail(product_id=product.pk) is None
    assert shop not in shop_list_selling()


def test_a_shop_cannot_take_another_shops_name(make_shop):
    a, b = make_shop(), make_shop()
    with pytest.raises(Conflict):
        shop_update(shop=b, data={"name": a.name})
    b.refresh_from_db()
    assert b.name != a.name
