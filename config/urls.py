from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from quanzi.core.views import json_or_html_404, json_or_html_500
from quanzi.web.jsi18n import javascript_catalog

urlpatterns = [
    path("api/v1/", api.urls),
    # The unversioned addresses in CONVENTIONS.md point at the current version.
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/openapi.json", RedirectView.as_view(url="/api/v1/openapi.json", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),  # gettext() for our scripts (web/jsi18n.py)
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
    path("", include("quanzi.ads.urls")),
    path("", include("quanzi.analytics.urls")),
    path("", include("quanzi.trust.urls")),
    path("", include("quanzi.guarantees.urls")),
    path("", include("quanzi.coupons.urls")),
    path("", include("quanzi.privacy.urls")),
    path("", include("quanzi.recommend.urls")),
    path("", include("quanzi.search.urls")),
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
