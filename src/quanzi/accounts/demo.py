"""Demo data of accounts: the rows `seed_demo` backdates (quanzi.core.seeding).

People registered months before the demo's order history begins, so their `date_joined` lies in the
past; the demo hashes one password once and shares the hash (Argon2 at ~0.1 s per user would
dominate the seed), which `user_register` cannot do.
"""

from __future__ import annotations

from quanzi.accounts.models import User


def operator_create(*, email: str, password: str, nickname: str) -> User:
    """The platform operator (staff and superuser: /admin/)."""
    return User.objects.create_superuser(email=email, password=password, nickname=nickname)


def user_create(*, nickname: str, password_hash: str, email: str | None = None, phone: str | None = None,
                date_joined=None) -> User:
    """A user who joined at `date_joined`, with an already hashed password."""
    fields = {"date_joined": date_joined} if date_joined is not None else {}
    return User.objects.create(email=email, phone=phone, nickname=nickname, password=password_hash, **fields)


def seeded_people(*, joined_before, exclude_ids=()) -> list[User]:
    """The background shoppers the demo seeded: active non-staff users without an e-mail who saved an
    address and joined before `joined_before` (the moment the demo was seeded: `seed_demo` backdates
    its shoppers, so nobody who registered on the running demo is among them), oldest first."""
    return list(User.objects.filter(is_staff=False, is_active=True, email__isnull=True, addresses__isnull=False,
                                    date_joined__lt=joined_before).exclude(pk__in=list(exclude_ids))
                .distinct().order_by("pk"))
