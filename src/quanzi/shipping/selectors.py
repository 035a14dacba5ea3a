from quanzi.shipping.models import Shipment


def shipment_for_order(*, order_id: int) -> Shipment | None:
    return Shipment.objects.prefetch_related("events").filter(order_id=order_id).first()


# ---- public interface used by demo data, bench/ and the project's tests

def sandbox_parcel_get(*, tracking_number: str):
    """The sandbox carrier's parcel behind a tracking number (None if the sandbox has no such parcel)."""
    from quanzi.shipping.models import SandboxParcel

    return SandboxParcel.objects.filter(tracking_number=tracking_number).first()
