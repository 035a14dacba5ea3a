"""shipping holds no personal data of its own: the address a parcel goes to is the order's snapshot
(orders erases it) (PII inventory, quanzi.core.personal_data)."""

from quanzi.core.personal_data import declare

declare(app="shipping", personal={},
        not_personal={"shipping.TrackingEvent.location": "the carrier's hub or city where the parcel was scanned",
                      "shipping.TrackingEvent.description": "the carrier's status text (“arrived at hub”)"})
