"""bargain API (/api/v1/bargain)."""

from ninja import Router

router = Router(tags=["bargain"])
