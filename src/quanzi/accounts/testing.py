"""Test helpers of accounts: people (with a fast password hash) and their addresses. Never imported by
application code; other apps' tests, the root conftest, bench/ and tests/e2e use these instead of the
accounts models. (Real registration hashes with Argon2: accounts' own tests check that.)"""

from __future__ import annotations

import itertools

from django.contrib.auth.hashers import make_password

from quanzi.accounts.models import Address, User

DEFAULT_PASSWORD = "Str0ngPass!x"
ADDRESS = {"recipient": "张三", "phone": "13800138000", "province": "上海", "city": "上海", "district": "黄浦区",
           "detail": "人民路 1 号"}
_seq = itertools.count(50_001)  # far from the root conftest's own counter, so both can be used in one test


def make_user(*, phone: str | None = None, email: str | None = None, nickname: str = "",
              password: str = DEFAULT_PASSWORD, is_staff: bool = False) -> User:
    """A user with a unique phone number (unless `phone` or `email` is given); staff are superusers."""
    n = next(_seq)
    if not phone and not email:
        phone = f"139{n:08d}"
    user = User(phone=phone, email=email, nickname=nickname or f"user{n}", is_staff=is_staff, is_superuser=is_staff)
    user.password = make_password(password, hasher="md5")
    user.save()
    return user


def make_shopper(**kwargs) -> User:
    """`make_user(**kwargs)` with one (default) delivery address in Shanghai."""
    from quanzi.accounts.services import address_create

    user = make_user(**kwargs)
    address_create(user=user, data=dict(ADDRESS))
    return user


def make_buyers(n: int, *, phone_prefix: str = "137") -> list[tuple[User, int]]:
    """n shoppers with one default address each, written in bulk (load and race tests): [(user, address id)]."""
    password = make_password("x", hasher="md5")
    User.objects.bulk_create([User(phone=f"{phone_prefix}{i:08d}", nickname=f"buyer{i}", password=password)
                              for i in range(n)])
    users = list(User.objects.filter(phone__startswith=phone_prefix).order_by("id"))
    Address.objects.bulk_create([Address(user=u, recipient="李四", phone="13800138000", province="北京", city="北京",
                                         detail="长安街 1 号", is_default=True) for u in users])
    address_ids = Address.objects.filter(user__in=users).order_by("user_id").values_list("pk", flat=True)
    return list(zip(users, address_ids, strict=True))


# ---- public interface used by demo, bench/ and the project's tests

def users_by_email_prefix(*, prefix: str) -> list[User]:
    """Users whose e-mail starts with `prefix`, by e-mail."""
    return list(User.objects.filter(email__startswith=prefix).order_by("email"))


def make_users_bulk(*, emails=None, phones=None, nickname: str = "user {i}", password_hash: str = "!") -> list[User]:
    """Many users in one INSERT (benchmarks): one per e-mail or phone given, all with the same
    already-hashed password ("!" = unusable); `nickname` may number them ("shopper {i}"). Returns them
    with their ids, in the order given."""
    logins = [{"email": e} for e in emails or []] + [{"phone": p} for p in phones or []]
    return User.objects.bulk_create([User(nickname=nickname.format(i=i), password=password_hash, **login)
                                     for i, login in enumerate(logins)], batch_size=1000)


def make_addresses_bulk(*, users, recipient: str = "压测", detail: str = "人民路 {i} 号") -> list[int]:
    """One default Shanghai address per user, in bulk (benchmarks); the address ids, in `users` order."""
    rows = Address.objects.bulk_create([
        Address(user=u, recipient=recipient, phone="13800138000", province="上海", city="上海", district="黄浦区",
                detail=detail.format(i=i), is_default=True) for i, u in enumerate(users)], batch_size=1000)
    return [a.pk for a in rows]


def users(*, is_staff: bool | None = None) -> list[User]:
    """Every user in id order (only staff, or only non-staff, when `is_staff` is given)."""
    qs = User.objects.order_by("pk")
    return list(qs.filter(is_staff=is_staff) if is_staff is not None else qs)


def make_api_tokens_bulk(*, users, name: str = "bench") -> list[str]:
    """One bearer token per user, in one INSERT (benchmarks with thousands of clients); the clear keys,
    in `users` order (what `api_token_create` returns one at a time)."""
    import secrets

    from quanzi.accounts.models import ApiToken

    keys = ["qz_" + secrets.token_urlsafe(32) for _ in users]
    ApiToken.objects.bulk_create([ApiToken(user=u, key_hash=ApiToken.hash_key(k), name=name, hint=k[:8])
                                  for u, k in zip(users, keys, strict=True)], batch_size=1000)
    return keys


def api_tokens(*, user: User) -> list:
    """Every stored token row of the user (expired ones too), newest first: what tests inspect."""
    from quanzi.accounts.models import ApiToken

    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
