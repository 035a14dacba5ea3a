"""Media server callbacks: the platform never touches video, it authorises streams.

Streaming apps publish to rtmp://<media>/live/<room number>?key=<stream key>.

nginx-rtmp (application live { on_publish http://app/live/hooks/nginx/publish; … }) POSTs a form with
`call`, `app`, `name` (= room number) and the publish URL's query arguments (`key`). Any 2xx accepts the
stream, anything else refuses it. on_publish_done ends the room; on_record_done gives the recording
(`path`), served under LIVE_RECORD_URL.

SRS (http_hooks { on_publish http://app/live/hooks/srs/publish; … }) POSTs JSON with `action`,
`stream` (= room number) and `param` ("?key=…"); it accepts on HTTP 200 with body {"code": 0} and
refuses on anything else. on_unpublish ends the room; on_dvr gives the recording (`file`).

If LIVE_HOOK_TOKEN is set, every callback URL must carry ?token=<it> (the media server's config adds it).
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import PurePosixPath
from urllib.parse import parse_qs

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.live import services

logger = logging.getLogger("quanzi.live")


def _token_ok(request) -> bool:
    expected = getattr(settings, "LIVE_HOOK_TOKEN", "")
    return not expected or secrets.compare_digest(request.GET.get("token", ""), expected)


def _record_url(path: str) -> str:
    base = getattr(settings, "LIVE_RECORD_URL", "")
    name = PurePosixPath(str(path or "")).name
    return f"{base.rstrip('/')}/{name}" if base and name else ""


def _run(action: str, number: str, key: str, record_path: str = ""):
    if action == "publish":
        return services.media_publish(number=number, key=key)
    if action in ("publish_done", "unpublish"):
        return services.media_unpublish(number=number, key=key)
    if action in ("record_done", "dvr"):
        return services.media_recorded(number=number, key=key, url=_record_url(record_path))
    return None


@csrf_exempt
@require_POST
def nginx_hook(request, action: str):
    if not _token_ok(request):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    number, key = request.POST.get("name", ""), request.POST.get("key", "")
    try:
        room = _run(action, number, key, request.POST.get("path", ""))
    except DomainError as exc:
        logger.info("live: nginx %s refused for %r: %s", action, number, exc.code)
        return HttpResponse(exc.code, status=403, content_type="text/plain")
    if room is None:
        return HttpResponse("unknown callback", status=404, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def srs_hook(request, action: str):
    if not _token_ok(request):
        return JsonResponse({"code": 403, "error": "forbidden"}, status=403)
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"code": 400, "error": "invalid_json"}, status=400)
    param = str(body.get("param") or "")
    key = (parse_qs(param.lstrip("?")).get("key") or [""])[0]
    number = str(body.get("stream") or "")
    try:
        room = _run(action, number, key, str(body.get("file") or ""))
    except DomainError as exc:
        logger.info("live: srs %s refused for %r: %s", action, number, exc.code)
        return JsonResponse({"code": exc.status, "error": exc.code}, status=403)
    if room is None:
        return JsonResponse({"code": 404, "error": "unknown_callback"}, status=404)
    return JsonResponse({"code": 0})
