"""The ASGI entry point: HTTP goes to Django (the flash-sale purchase endpoint answered by its fast path
in front), WebSockets go to the live rooms. Serve with `uvicorn config.asgi:application`."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('QUANZI_ENV', 'dev')}")

from django.core.asgi import get_asgi_application  # noqa: E402

django_http = get_asgi_application()  # sets Django up before anything imports models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from quanzi.flashsale.asgi import FlashFastPath  # noqa: E402
from quanzi.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": FlashFastPath(django_http),
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
