"""Record share clicks: any GET with `?share=<code>` counts a click and binds the visitor.

Unknown, expired, malformed or misplaced codes, and clicks past the per-IP limit, are ignored
silently: the page is served exactly as without the parameter. Installed after the session and
authentication middleware (config/settings/base.py).
"""

from __future__ import annotations

import logging

from django.db import transaction

from quanzi.core.http import client_fingerprint

log = logging.getLogger("quanzi.sharing")


class ShareCodeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.GET.get("share") if request.method == "GET" else None
        if code:
            self._record(request, code)
        return self.get_response(request)

    @staticmethod
    def _record(request, code: str) -> None:
        from quanzi.sharing.services import record_click

        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        client = client_fingerprint(request)
        try:
            with transaction.atomic():  # a savepoint: a failed click leaves the request's transaction usable
                record_click(code=code[:64], path=request.path, user_id=user_id,
                             session=getattr(request, "session", None),
                             ip=client["ip"], device=client["device"])
        except Exception:  # noqa: BLE001 - a broken click must never break the page it lands on
            log.exception("sharing: could not record a click for %r", code[:64])
