"""Personal data held by accounts (PIPL; the registry is quanzi.core.personal_data).

Deletion keeps the `User` row as the pseudonym every kept row (orders, ledger accounts `user:<id>:…`)
still points to, and empties everything on it that names the person; it runs last."""

from django.contrib.auth.hashers import make_password

from quanzi.accounts.models import Address, ApiToken, User, new_uid
from quanzi.core.personal_data import declare, plain, rows


def export(user) -> dict:
    u = User.objects.get(pk=user.pk)
    return {
        "account": {"uid": u.uid, "phone": u.phone, "email": u.email, "nickname": u.nickname,
                    "avatar": plain(u.avatar), "birth_date": plain(u.birth_date), "date_joined": plain(u.date_joined)},
        "addresses": rows(Address.objects.filter(user=user), "recipient", "phone", "province", "city", "district",
                          "detail", "postal_code", "is_default", "created_at"),
        "api_tokens": rows(ApiToken.objects.filter(user=user), "name", "hint", "created_at", "expires_at",
                           "last_used_at"),
    }


def erase(user) -> None:
    Address.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    u = User.objects.select_for_update().get(pk=user.pk)
    if u.avatar:
        u.avatar.delete(save=False)
    u.uid, u.phone, u.email, u.nickname, u.avatar, u.birth_date = new_uid(), None, None, "", "", None
    u.password = make_password(None)  # unusable: nobody signs in as the pseudonym
    u.is_active, u.is_staff, u.is_superuser = False, False, False
    u.session_epoch += 1  # every open session ends
    u.save()
    user.phone, user.email, user.nickname, user.is_active = None, None, "", False


declare(
    app="accounts",
    personal={
        "accounts.User.phone": "contact", "accounts.User.email": "contact", "accounts.User.nickname": "identity",
        "accounts.User.avatar": "identity", "accounts.User.birth_date": "identity",
        "accounts.Address.user": "link", "accounts.Address.recipient": "address", "accounts.Address.phone": "contact",
        "accounts.Address.detail": "address", "accounts.ApiToken.user": "link",
    },
    not_personal={"accounts.ApiToken.name": "the label a user gives a token (“my phone app”); deleted with the token"},
    export=export, erase=erase, order=1000,
)
