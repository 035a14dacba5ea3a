from quanzi.settlement.models import Payout


def payouts_for_shop(*, shop, limit: int = 50) -> list[Payout]:
    return list(Payout.objects.filter(shop=shop).order_by("-id")[:limit])


# ---- public interface used by console (the operator's to-do list)

def payout_count_requested() -> int:
    """Merchants' payout requests waiting for the operator."""
    from quanzi.settlement.constants import PayoutStatus

    return Payout.objects.filter(status=PayoutStatus.REQUESTED).count()


# ---- public interface used by demo data, bench/ and the project's tests

def payout_counts_by_status() -> dict[str, int]:
    """Payout status → number of payouts (only the statuses that occur)."""
    from django.db.models import Count

    return dict(Payout.objects.values_list("status").annotate(n=Count("pk")).order_by())
