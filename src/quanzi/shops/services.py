"""Shop lifecycle: a merchant applies, the operator approves or rejects, only approved shops sell."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import Conflict, ValidationFailed
from quanzi.core.events import publish
from quanzi.shops.constants import ShopStatus
from quanzi.shops.events import BY_STATUS, ShopApplied
from quanzi.shops.models import Shop
from quanzi.shops.states import SHOP_REVIEW

LICENCE_MIN, LICENCE_MAX = 8, 40


def _clean(data: dict) -> dict:
    cleaned = {k: str(data.get(k) or "").strip() for k in
               ("name", "description", "licence_number", "contact_name", "contact_phone")}
    errors = {}
    if not 2 <= len(cleaned["name"]) <= 60:
        errors["name"] = _("A shop name has 2 to 60 characters.")
    if not LICENCE_MIN <= len(cleaned["licence_number"]) <= LICENCE_MAX or not cleaned["licence_number"].isalnum():
        errors["licence_number"] = _("Enter the unified social credit code on the business licence.")
    if not cleaned["contact_name"]:
        errors["contact_name"] = _("This field is required.")
    if not cleaned["contact_phone"] or len(cleaned["contact_phone"]) > 20:
        errors["contact_phone"] = _("This field is required.")
    if len(cleaned["description"]) > 2000:
        errors["description"] = _("Too long.")
    if errors:
        raise ValidationFailed(_("Some shop fields are invalid."), fields=errors)
    return cleaned


@transaction.atomic
def shop_apply(*, owner, data: dict, logo=None) -> Shop:
    cleaned = _clean(data)
    if Shop.objects.filter(owner=owner).exists():
        raise Conflict(_("You already have a shop."), code="shop_exists")
    if Shop.objects.filter(name=cleaned["name"]).exists():
        raise Conflict(_("That shop name is taken."), code="shop_name_taken", fields={"name": "taken"})
    try:
        with transaction.atomic():
            shop = Shop.objects.create(owner=owner, **cleaned)
    except IntegrityError:
        raise Conflict(_("That shop name is taken."), code="shop_name_taken", fields={"name": "taken"})
    if logo is not None:
        from quanzi.core.images import save_square_image

        shop.logo.name = save_square_image(logo, folder="shops", size=256)
        shop.save(update_fields=["logo"])
    publish(ShopApplied(shop_id=shop.pk))
    return shop


@transaction.atomic
def shop_update(*, shop: Shop, data: dict) -> Shop:
    merged = {k: data.get(k, getattr(shop, k)) for k in
              ("name", "description", "licence_number", "contact_name", "contact_phone")}
    cleaned = _clean(merged)
    if Shop.objects.filter(name=cleaned["name"]).exclude(pk=shop.pk).exists():
        raise Conflict(_("That shop name is taken."), code="shop_name_taken", fields={"name": "taken"})
    for k, v in cleaned.items():
        setattr(shop, k, v)
    shop.save()
    return shop


def _review(shop_id: int, *, to: str, note: str) -> Shop:
    shop = Shop.objects.select_for_update().get(pk=shop_id)
    SHOP_REVIEW.check(shop.status, to)
    shop.status, shop.review_note, shop.reviewed_at = to, note[:200], clock.now()
    shop.save(update_fields=["status", "review_note", "reviewed_at"])
    publish(BY_STATUS[to](shop_id=shop.pk))
    return shop


def shop_lock(*, shop_id: int) -> Shop:
    """Take the shop's row lock in the caller's transaction: settlement serialises a shop's payout
    requests on it."""
    return Shop.objects.select_for_update().get(pk=shop_id)


@transaction.atomic
def shop_approve(*, shop_id: int, note: str = "") -> Shop:
    return _review(shop_id, to=ShopStatus.APPROVED, note=note)


@transaction.atomic
def shop_reject(*, shop_id: int, note: str) -> Shop:
    if not note.strip():
        raise ValidationFailed(_("Give the merchant a reason."), fields={"note": "required"})
    return _review(shop_id, to=ShopStatus.REJECTED, note=note)


@transaction.atomic
def shop_suspend(*, shop_id: int, note: str) -> Shop:
    return _review(shop_id, to=ShopStatus.SUSPENDED, note=note)


@transaction.atomic
def shop_resubmit(*, shop: Shop, data: dict) -> Shop:
    """A rejected merchant corrects the details and asks for another review."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if shop.status != ShopStatus.REJECTED:
        raise Conflict(_("Only a rejected application can be sent again."), code="invalid_state")
    shop_update(shop=shop, data=data)
    return _review(shop.pk, to=ShopStatus.APPLIED, note="")


TRANSLATED_FIELDS = ("name", "description", "review_note")


@transaction.atomic
def shop_translate(*, shop: Shop, language: str, data: dict) -> Shop:
    """The shop's name, description (and the operator's review note) in `language` — what readers
    of that language see instead of the shop's own (docs/i18n.md). An empty text removes that
    language's version, so readers fall back to the original; a name must not be another shop's."""
    from django.conf import settings

    if language not in settings.MODELTRANSLATION_LANGUAGES:
        raise ValidationFailed(_("Unknown language."), fields={"language": "invalid"})
    suffix = language.replace("-", "_")
    values = {k: str(data.get(k) or "").strip() or None for k in TRANSLATED_FIELDS if k in data}
    name = values.get("name")
    if name is not None and not 2 <= len(name) <= 60:
        raise ValidationFailed(_("A shop name has 2 to 60 characters."), fields={"name": "invalid"})
    if values.get("description") and len(values["description"]) > 2000:
        raise ValidationFailed(_("Too long."), fields={"description": "invalid"})
    if name is not None and Shop.objects.filter(**{f"name_{suffix}": name}).exclude(pk=shop.pk).exists():
        raise Conflict(_("That shop name is taken."), code="shop_name_taken", fields={"name": "taken"})
    for key, value in values.items():
        setattr(shop, f"{key}_{suffix}", value)
    shop.save(update_fields=[f"{k}_{suffix}" for k in values])
    return shop
