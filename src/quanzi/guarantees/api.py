"""API of guarantees (/api/v1/guarantees)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["guarantees"])
