from quanzi.settlement.models import Payout


def payouts_for_shop(*, shop, limit: int = 50) -> list[Payout]:
    return list(Payout.objects.filter(shop=shop).order_by("-id")[:limit])
