"""System checks of live rooms: in production the media server's callbacks must carry a token.

Without LIVE_HOOK_TOKEN the publish / unpublish / record hooks (live/hooks.py) accept anyone who knows a
room number and its stream key form, and can end or hijack a live room.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def live_hook_token_in_production(app_configs, **kwargs):
    if settings.QUANZI.get("ENV") != "prod":
        return []
    if not (getattr(settings, "LIVE_HOOK_TOKEN", "") or "").strip():
        return [Error("LIVE_HOOK_TOKEN is empty: the media server's callbacks are not authenticated.",
                      hint="Set LIVE_HOOK_TOKEN to a long random value and add ?token=<it> to the media "
                           "server's callback URLs (docs/live.md).", id="live.E001")]
    return []
