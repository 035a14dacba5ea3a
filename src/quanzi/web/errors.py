"""The safety net of every HTML view: an error the visitor caused never becomes a 500.

Views catch the `DomainError`s they expect and show them on their form. One they did not expect (a
service refusing an id that does not exist, a state that changed meanwhile), or a number that no
column can hold (`OverflowError` from SQLite, `DataError` from PostgreSQL: out of range, too long), is answered
here: the status of the error with its message — as an HTMX toast for a partial request, as a small
page otherwise — and is logged, so the view can still be taught to handle it on its form.
(The JSON API has its own handlers: `core.http.install_error_handlers`.)
"""

from __future__ import annotations

import logging

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.web.helpers import is_htmx, trigger

logger = logging.getLogger("quanzi.web")


def _as_domain_error(exc: Exception) -> DomainError | None:
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, (OverflowError, DataError)):  # a value no column can hold: out of range, too long
        return ValidationFailed(_("A value is out of range or too long."), code="value_out_of_range")
    return None


class ViewErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        error = _as_domain_error(exception)
        if error is None:
            return None
        logger.info("%s %s answered %s %s by the view safety net: %s", request.method, request.path, error.status,
                    error.code, exception)
        if is_htmx(request):
            response = HttpResponse(status=error.status)
            return trigger(response, **{"qz:toast": {"message": error.message, "kind": "error"}})
        response = TemplateResponse(request, "error.html", {"error": error}, status=error.status)
        return response.render()
