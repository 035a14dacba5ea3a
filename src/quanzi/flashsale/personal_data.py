"""Personal data held by flashsale: reservations with the IP they came from and the address they ship
to. Kept (orders refer to them); IP and address id emptied."""

from quanzi.core.personal_data import declare, rows
from quanzi.flashsale.models import Reservation


def export(user) -> dict:
    return {"reservations": rows(Reservation.objects.filter(user=user), *[
        f.name for f in Reservation._meta.concrete_fields if f.name in ("id", "status", "quantity", "ip", "created_at")])}


def erase(user) -> None:
    Reservation.objects.filter(user=user).update(ip="", address_id=None)


declare(app="flashsale", personal={"flashsale.FlashBuyer.user": "link", "flashsale.Reservation.user": "link",
                                   "flashsale.Reservation.address_id": "address", "flashsale.Reservation.ip": "device"},
        not_personal={"flashsale.FlashSale.title": "a sale written by the merchant"},
        export=export, erase=erase)

