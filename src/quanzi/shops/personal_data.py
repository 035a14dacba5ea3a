"""Personal data held by shops: the owner and the shop's contact person. A shop owner's account is not
deleted while the shop exists (a blocker): the shop's books and buyers depend on it."""

from django.utils.translation import gettext as _

from quanzi.core.personal_data import declare, rows
from quanzi.shops.models import Shop


def export(user) -> dict:
    return {"shops": rows(Shop.objects.filter(owner=user), "name", "status", "contact_name", "contact_phone",
                          "created_at")}


def erase(user) -> None:
    Shop.objects.filter(owner=user).update(contact_name="", contact_phone="")


def blockers(user) -> list[str]:
    names = list(Shop.objects.filter(owner=user).values_list("name", flat=True)[:3])
    return [_("You own the shop “%(name)s”: ask the platform to close it first.") % {"name": n} for n in names]


declare(
    app="shops",
    personal={"shops.Shop.owner": "link", "shops.Shop.contact_name": "contact", "shops.Shop.contact_phone": "contact"},
    not_personal={
        "shops.Shop.name": "a business name, public on the shop page",
        "shops.Shop.description": "the shop's public description of its business",
        "shops.Shop.review_note": "the operator's note on the shop's application",
    },
    export=export, erase=erase, blockers=blockers,
)
