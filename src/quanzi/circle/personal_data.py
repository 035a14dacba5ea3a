"""Personal data held by circle: purchases shown to friends, with the buyer's comment, and settings."""

from quanzi.circle.models import CirclePurchase, CircleSettings
from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    return {"purchases_shown_to_friends": rows(CirclePurchase.objects.filter(user=user), "product_id", "comment"),
            "settings": rows(CircleSettings.objects.filter(user=user), *[f.name for f in CircleSettings._meta.concrete_fields
                                                                         if f.name not in ("id", "user")])}


def erase(user) -> None:
    CirclePurchase.objects.filter(user=user).delete()
    CircleSettings.objects.filter(user=user).delete()


declare(app="circle", personal={"circle.CirclePurchase.user": "activity", "circle.CirclePurchase.comment": "content",
                                "circle.CircleSettings.user": "activity"}, export=export, erase=erase)
