"""The one NinjaAPI: every app's router under /api/v1/, errors in one shape (core.http)."""

from ninja import NinjaAPI

from quanzi.core.http import install_error_handlers
from quanzi.web import openapi
from quanzi.web.input import ApiParser


class QuanziAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Ninja's document plus every operation's error answers (ErrorOut) and optional logins declared
        optional (quanzi.web.openapi)."""
        return openapi.document(super().get_openapi_schema(**kwargs),
                                optional_auth={"OptionalAuth": ["BearerAuth", "SessionAuth"]})


api = QuanziAPI(
    title="Quanzi API",
    version="1",
    description="Quanzi (圈子) social e-commerce platform. Money is integer fen; errors are "
                '`{"error": {"code", "message", "fields"}}`; POSTs that create orders or move money '
                "accept an `Idempotency-Key` header.",
    urls_namespace="api",
    docs_url="/docs",
    docs=openapi.SwaggerDocs(),  # ninja's Swagger UI, in a page with a language and a phone viewport
    openapi_url="/openapi.json",
    parser=ApiParser(),  # JSON bodies through the input edge's rules (quanzi.web.input, core.text)
)
install_error_handlers(api)


def _mount() -> None:
    from quanzi.accounts.api import router as accounts
    from quanzi.ads.api import router as ads
    from quanzi.ads.revenue_views import router as ads_revenue
    from quanzi.analytics.api import router as analytics
    from quanzi.bargain.api import router as bargain
    from quanzi.catalog.api import router as catalog
    from quanzi.circle.api import router as circle
    from quanzi.commission.api import router as commission
    from quanzi.console.api import router as console
    from quanzi.content.api import router as content
    from quanzi.coupons.api import router as coupons
    from quanzi.feed.api import router as feed
    from quanzi.flashsale.api import router as flashsale
    from quanzi.groupbuy.api import router as groupbuy
    from quanzi.guarantees.api import router as guarantees
    from quanzi.live.api import router as live
    from quanzi.livesales.api import router as livesales
    from quanzi.notifications.api import router as notifications
    from quanzi.orders.api import router as orders
    from quanzi.payments.api import router as payments
    from quanzi.privacy.api import router as privacy
    from quanzi.recommend.api import router as recommend
    from quanzi.reviews.api import router as reviews
    from quanzi.search.api import router as search
    from quanzi.sharing.api import router as sharing
    from quanzi.shipping.api import router as shipping
    from quanzi.shops.api import router as shops
    from quanzi.social.api import router as social
    from quanzi.trust.api import router as trust
    from quanzi.wallet.api import router as wallet

    api.add_router("/accounts", accounts)
    api.add_router("/catalog", catalog)
    api.add_router("/search", search)
    api.add_router("/shops", shops)
    api.add_router("/", orders)
    api.add_router("/payments", payments)
    api.add_router("/shipping", shipping)
    api.add_router("/merchant", console)
    api.add_router("/social", social)
    api.add_router("/content", content)
    api.add_router("/reviews", reviews)
    api.add_router("/feed", feed)
    api.add_router("/circle", circle)
    api.add_router("/notifications", notifications)
    api.add_router("/sharing", sharing)
    api.add_router("/commission", commission)
    api.add_router("/wallet", wallet)
    api.add_router("/groupbuy", groupbuy)
    api.add_router("/flash", flashsale)
    api.add_router("/bargain", bargain)
    api.add_router("/live", live)
    api.add_router("/livesales", livesales)
    api.add_router("/ads", ads)
    api.add_router("/ads", ads_revenue)  # GET /ads/revenue: the platform revenue report (staff)
    api.add_router("/analytics", analytics)
    api.add_router("/trust", trust)
    api.add_router("/guarantees", guarantees)
    api.add_router("/coupons", coupons)
    api.add_router("/privacy", privacy)
    api.add_router("/recommend", recommend)


_mount()
