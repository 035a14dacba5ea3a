"""Error pages: JSON in the one error shape under /api/, HTML elsewhere."""

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader

from quanzi.core.http import error_response


def json_or_html_404(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", "Not found.")
    try:
        return HttpResponseNotFound(loader.render_to_string("404.html", request=request))
    except Exception:  # noqa: BLE001 - the error page must not fail
        return HttpResponseNotFound("Not found")


def json_or_html_500(request):
    if request.path.startswith("/api/"):
        return error_response(500, "internal_error", "Something went wrong on our side.")
    return HttpResponseServerError("<h1>500</h1><p>Something went wrong on our side.</p>")
