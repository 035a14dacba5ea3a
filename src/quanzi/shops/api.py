from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.core.errors import NotFound
from quanzi.core.images import media_url
from quanzi.shops import selectors

router = Router(tags=["shops"])


class ShopOut(Schema):
    id: int
    name: str
    description: str
    logo: str


def shop_out(shop) -> dict:
    return {"id": shop.pk, "name": shop.name, "description": shop.description, "logo": media_url(shop.logo.name)}


@router.get("", response=list[ShopOut], auth=None, summary="Shops that sell on the platform")
def shop_list(request):
    return [shop_out(s) for s in selectors.shop_list_selling()]


@router.get("/{shop_id}", response=ShopOut, auth=None)
def shop_detail(request, shop_id: int):
    shop = selectors.shop_get_selling(shop_id=shop_id)
    if shop is None:
        raise NotFound(_("Shop not found."))
    return shop_out(shop)
