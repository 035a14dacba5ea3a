from quanzi.shops.models import Shop, ShopStatus


def shop_for_owner(*, user) -> Shop | None:
    if not user.is_authenticated:
        return None
    return Shop.objects.filter(owner=user).first()


def shop_get_selling(*, shop_id: int) -> Shop | None:
    return Shop.objects.filter(pk=shop_id, status=ShopStatus.APPROVED).first()


def shop_list_selling() -> list[Shop]:
    return list(Shop.objects.filter(status=ShopStatus.APPROVED).order_by("id"))
