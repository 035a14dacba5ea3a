import pytest


@pytest.fixture
def goods(make_product, shop, make_shop, category):
    """Six products in two shops and two categories, indexed by the catalog's events."""
    from quanzi.catalog.testing import make_category

    phones = make_category(name="手机数码", name_en="Phones")
    accessories = make_category(name="配件", name_en="Accessories")
    other = make_shop()
    return {
        "hoodie": make_product(shop=shop, title="加绒卫衣男冬季 Fleece hoodie", price=12900),
        "hoodie2": make_product(shop=other, title="纯棉卫衣女", price=6900),
        "dress": make_product(shop=shop, title="真丝连衣裙 Silk dress", price=29900),
        "tee": make_product(shop=other, title="纯棉T恤 Cotton tee", price=3900),
        "phone": make_product(shop=shop, title="智能手机 5G", price=199900, cat=phones),
        "case": make_product(shop=other, title="移动电话保护壳", price=2900, cat=accessories),
        "other_shop": other, "phones": phones,
    }
