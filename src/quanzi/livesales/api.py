"""Live-room sales API (/api/v1/livesales)."""

from ninja import Router

router = Router(tags=["livesales"])
