"""The ASGI entry point: HTTP goes to Django (the flash-sale purchase endpoint answered by its fast path
in front), WebSockets go to the live rooms. Serve with `uvicorn config.asgi:application`."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('QUANZI_ENV', 'dev')}")

from django.core.asgi import get_asgi_application  # noqa: E402

django_http = get_asgi_application()  # sets Django up before anything imports models


def limit_inflight(app, limit: int):
    """At most `limit` HTTP requests of this process inside Django at once; the rest wait on the event
    loop (costing nothing). Django under ASGI runs each request in a thread of its own with a database
    connection of its own, so without a bound a burst of keep-alive clients opens as many connections
    as there are requests in flight and exhausts PostgreSQL's. QUANZI_ASGI_MAX_INFLIGHT, 0 = no bound."""
    if limit <= 0:
        return app
    semaphore = None

    async def limited(scope, receive, send):
        nonlocal semaphore
        if semaphore is None:
            import asyncio

            semaphore = asyncio.Semaphore(limit)
        async with semaphore:
            return await app(scope, receive, send)

    return limited


from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from quanzi.core.middleware import WebSocketOriginCheck  # noqa: E402
from quanzi.flashsale.asgi import FlashFastPath  # noqa: E402
from quanzi.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    # the flash-sale fast path answers its refusals before the bound: they never wait behind Django
    "http": FlashFastPath(limit_inflight(django_http, int(os.environ.get("QUANZI_ASGI_MAX_INFLIGHT", "32")))),
    # Every handshake's Origin against QUANZI_WS_ALLOWED_ORIGINS (SITE_URL and ALLOWED_HOSTS by default,
    # never "*"): a foreign page cannot open a socket with the visitor's cookies (closed with 4403).
    "websocket": WebSocketOriginCheck(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
