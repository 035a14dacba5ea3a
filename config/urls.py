from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog
from django.views.generic import RedirectView

from config.api import api
from quanzi.core.views import json_or_html_404, json_or_html_500

_STARTED = timezone.now()

urlpatterns = [
    path("api/v1/", api.urls),
    # The unversioned addresses in CONVENTIONS.md point at the current version.
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/openapi.json", RedirectView.as_view(url="/api/v1/openapi.json", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    # The JavaScript strings (djangojs domain) as gettext()/ngettext()/interpolate(), per language.
    # Cached for a day (the cache key carries the language); a deploy restarts the process and
    # changes the Last-Modified stamp, so browsers revalidate.
    path("jsi18n/", cache_page(86400)(last_modified(lambda request, **kw: _STARTED)(
        JavaScriptCatalog.as_view())), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("quanzi.payments.urls")),
    path("", include("quanzi.payments.wechat_urls")),  # WeChat Pay's pages (404 while it is not enabled)
    path("", include("quanzi.accounts.urls")),
    path("merchant/", include("quanzi.console.urls")),
    path("", include("quanzi.social.urls")),
    path("", include("quanzi.content.urls")),
    path("", include("quanzi.reviews.urls")),
    path("", include("quanzi.feed.urls")),
    path("", include("quanzi.circle.urls")),
    path("", include("quanzi.notifications.urls")),
    path("", include("quanzi.sharing.urls")),
    path("", include("quanzi.commission.urls")),
    path("", include("quanzi.wallet.urls")),
    path("", include("quanzi.groupbuy.urls")),
    path("", include("quanzi.flashsale.urls")),
    path("", include("quanzi.bargain.urls")),
    path("", include("quanzi.live.urls")),
    path("", include("quanzi.livesales.urls")),
    path("", include("quanzi.web.urls")),  # /styleguide/ (staff only)
    path("", include("quanzi.storefront.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
else:
    from django.urls import re_path
    from django.views.static import serve

    # The embedded default serves uploads itself; production puts object storage or nginx in front.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = json_or_html_404
handler500 = json_or_html_500
