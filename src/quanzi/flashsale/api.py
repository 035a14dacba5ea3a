"""flashsale API (/api/v1/flashsale)."""

from ninja import Router

router = Router(tags=["flashsale"])
