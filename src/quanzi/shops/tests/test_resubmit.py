import pytest

from quanzi.core.errors import Conflict
from quanzi.shops.constants import ShopStatus
from quanzi.shops.services import shop_reject, shop_resubmit


def test_a_rejected_merchant_corrects_the_details_and_is_reviewed_again(make_shop):
    shop = make_shop(approved=False)
    shop_reject(shop_id=shop.pk, note="licence unreadable")

    resubmitted = shop_resubmit(shop=shop, data={"licence_number": "91310000MA1FL0XX9Y"})

    assert resubmitted.status == ShopStatus.APPLIED
    assert resubmitted.licence_number == "91310000MA1FL0XX9Y"


def test_only_a_rejected_shop_can_be_resubmitted(make_shop):
    shop = make_shop(approved=True)

    with pytest.raises(Conflict):
        shop_resubmit(shop=shop, data={})
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
