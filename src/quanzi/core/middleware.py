"""Language: zh-Hans unless the person chose otherwise (the language cookie set by /i18n/setlang/).

Django's LocaleMiddleware would follow the browser's Accept-Language; a Chinese shop should
open in Chinese for everyone and switch only on request.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation

from quanzi.core.http import error_response


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards, even for nested in-process requests
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulCharactersMiddleware:
    """No text with a NUL character reaches the database (PostgreSQL refuses it with a 500).

    Checked once at the edge for the path, the query string, form fields and JSON bodies, so every
    view and API operation is covered: 400 in the error shape under /api/, a plain 400 elsewhere.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    # Provider callbacks must always get the provider's own answer ("failure"), never our 400;
    # their handlers sanitise what they store.
    EXEMPT_PREFIXES = ("/api/v1/payments/notify/",)

    def __call__(self, request):
        if not request.path.startswith(self.EXEMPT_PREFIXES) and self._has_nul(request):
            if request.path.startswith("/api/"):
                return error_response(400, "invalid_characters", "The request contains a NUL character.")
            return HttpResponseBadRequest("The request contains a NUL character.")
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        if request.content_type in self.FORM_TYPES:
            return any("\x00" in k or "\x00" in v for k, vs in request.POST.lists() for v in vs)
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
