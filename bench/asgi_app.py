"""config.asgi's application behind a per-worker limit of concurrent HTTP requests (bench only).

    QUANZI_ASGI_MAX_INFLIGHT=16 uvicorn bench.asgi_app:application --workers 2   # what harness.asgi_server does

Django under ASGI gives every request its own thread and database connection and nothing bounds how
many run at once; with many keep-alive clients that exhausts PostgreSQL's connections. Here at most
QUANZI_ASGI_MAX_INFLIGHT (default 16) HTTP requests per worker process run the Django application at
a time; the others wait (on the event loop, costing nothing) for a slot. WebSocket and other scopes
pass through unlimited. The same wrapper belongs in config/asgi.py for production (or a pool:
Django's `OPTIONS={"pool": ...}` with psycopg-pool).
"""

from __future__ import annotations

import asyncio
import os

from config.asgi import application as _application


def limit_inflight(app, limit: int):
    """Wrap an ASGI app: at most `limit` concurrent HTTP requests reach it (per process)."""
    semaphore: asyncio.Semaphore | None = None

    async def limited(scope, receive, send):
        nonlocal semaphore
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if semaphore is None:
            semaphore = asyncio.Semaphore(limit)
        async with semaphore:
            return await app(scope, receive, send)

    return limited


application = limit_inflight(_application, max(1, int(os.environ.get("QUANZI_ASGI_MAX_INFLIGHT", "16"))))
