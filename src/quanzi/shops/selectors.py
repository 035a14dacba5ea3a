from quanzi.shops.constants import ShopStatus
from quanzi.shops.models import Shop


def shop_for_owner(*, user) -> Shop | None:
    if not user.is_authenticated:
        return None
    return Shop.objects.filter(owner=user).first()


def shop_get_selling(*, shop_id: int) -> Shop | None:
    return Shop.objects.filter(pk=shop_id, status=ShopStatus.APPROVED).first()


def shop_list_selling() -> list[Shop]:
    return list(Shop.objects.filter(status=ShopStatus.APPROVED).order_by("id"))


def shops_by_id(*, shop_ids) -> dict[int, Shop]:
    """Shops by id, whatever their status (one query): settlement reads each shop's take-rate override."""
    return Shop.objects.in_bulk(set(shop_ids))


# ---- public interface used by social, content, reviews, feed, circle, notifications


def shop_get(*, shop_id: int) -> Shop | None:
    """The shop with this id, whatever its status (None if there is none): for actions that stay
    possible on a suspended shop, such as unfollowing it."""
    return Shop.objects.filter(pk=shop_id).first()


# ---- public interface used by console (the operator's to-do list)

def shop_count_waiting_review() -> int:
    """Shops that applied and wait for the operator's decision."""
    return Shop.objects.filter(status=ShopStatus.APPLIED).count()


# ---- public interface used by demo data, bench/ and the project's tests

def shop_counts_by_status() -> dict[str, int]:
    """Every shop status (in ShopStatus order, zeros included) → number of shops."""
    from django.db.models import Count

    found = dict(Shop.objects.values_list("status").annotate(n=Count("pk")))
    return {s: found.get(s, 0) for s in ShopStatus.values}


def shop_owner_ids() -> set[int]:
    """The users who own a shop (merchants)."""
    return set(Shop.objects.values_list("owner_id", flat=True))
