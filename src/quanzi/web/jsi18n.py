"""The JavaScript catalog (`gettext()` in the browser), one address per language.

base.html loads `/jsi18n/?l=<page language>`: the language is part of the address, so a browser or
a shared cache keeps one copy per language and a language switch fetches the other address instead
of running yesterday's words. The view answers in the language the address names (an unknown or
missing `l` gets the visitor's language), cached for a day; the process's start time is its
Last-Modified, so a deploy's new words are fetched on revalidation.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_page
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

from quanzi.core.language import supported

STARTED = timezone.now()
_catalog = JavaScriptCatalog.as_view()


def _answer(request):
    language = supported(request.GET.get("l", "")) or translation.get_language()
    with translation.override(language):
        response = _catalog(request)
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=86400)
    return response


javascript_catalog = cache_page(86400)(last_modified(lambda request: STARTED)(_answer))
