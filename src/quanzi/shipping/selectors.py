from quanzi.shipping.models import Shipment


def shipment_for_order(*, order_id: int) -> Shipment | None:
    return Shipment.objects.prefetch_related("events").filter(order_id=order_id).first()
