from django.utils import timezone

from quanzi.accounts.models import Address, ApiToken, User


def address_list(*, user: User) -> list[Address]:
    return list(Address.objects.filter(user=user))


def address_get(*, user: User, address_id: int) -> Address | None:
    return Address.objects.filter(user=user, pk=address_id).first()


def _default_first(user_id: int):
    """The person's addresses, the default one first (else the newest)."""
    return Address.objects.filter(user_id=user_id).order_by("-is_default", "-id")


def address_default(*, user: User) -> Address | None:
    return _default_first(user.pk).first()


def default_province(*, user_id: int) -> str:
    """The province of the person's default address ("" without one): where regional lists start from."""
    return _default_first(user_id).values_list("province", flat=True).first() or ""


def api_tokens_of(*, user: User) -> list[ApiToken]:
    """The user's live (unexpired) bearer tokens, newest first."""
    return list(ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at", "-pk"))


# ---- public interface used by social, content, reviews, feed, circle, notifications


def active_users_by_nickname(*, nicknames: list[str]) -> list[tuple[str, int]]:
    """[(nickname, user id)] of the active users who have one of these nicknames (one query).
    Nicknames are not unique: a nickname can come back more than once."""
    if not nicknames:
        return []
    return list(User.objects.filter(nickname__in=nicknames, is_active=True).values_list("nickname", "pk"))


# ---- public interface used by demo data, bench/ and the project's tests

def user_get_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone=phone).first()


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email).first()


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def user_count() -> int:
    return User.objects.count()


def users_with_address(*, exclude_ids=(), without_email: bool = False, newest_first: bool = False,
                       limit: int | None = None) -> list[User]:
    """Active non-staff users who have saved an address (shoppers who could check out), oldest first."""
    qs = User.objects.filter(addresses__isnull=False, is_staff=False, is_active=True).exclude(pk__in=list(exclude_ids))
    if without_email:
        qs = qs.filter(email__isnull=True)
    qs = qs.distinct().order_by("-pk" if newest_first else "pk")
    return list(qs[:limit] if limit is not None else qs)


def users_by_phone_prefix(*, prefix: str) -> list[User]:
    """Non-staff users whose phone number starts with `prefix`, oldest first."""
    return list(User.objects.filter(phone__startswith=prefix, is_staff=False).order_by("pk"))


# ---- public interface used by livesales

def users_by_id(*, user_ids) -> dict[int, User]:
    """Users by id in one query (unknown ids are left out): names for a leaderboard."""
    return User.objects.in_bulk(set(user_ids))
