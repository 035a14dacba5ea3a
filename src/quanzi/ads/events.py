"""Facts sponsored listings publishes (see core.events). Payloads carry ids and plain values."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("ads.order_attributed")
class AdOrderAttributed(DomainEvent):
    """Lines of a paid order were attributed to sponsored clicks (bought within 7 days of a billed click on
    the product's ad). `lines` are {"line_id", "campaign_id", "amount"} (fen): what a campaign's ROI counts
    as its sales. Published once per newly attributed line set, through the outbox."""

    order_id: int
    shop_id: int
    user_id: int
    lines: list[dict]
