from quanzi.accounts.models import Address, User


def address_list(*, user: User) -> list[Address]:
    return list(Address.objects.filter(user=user))


def address_get(*, user: User, address_id: int) -> Address | None:
    return Address.objects.filter(user=user, pk=address_id).first()


def address_default(*, user: User) -> Address | None:
    return Address.objects.filter(user=user).order_by("-is_default", "-id").first()
