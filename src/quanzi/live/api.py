"""live API (/api/v1/live)."""

from ninja import Router

router = Router(tags=["live"])
