from django.urls import path

from quanzi.ads import revenue_views, views

app_name = "ads"
urlpatterns = [
    path("ads/c/<str:token>/", views.click, name="click"),
    path("ads/feed/", views.feed_block, name="feed"),
    path("merchant/ads/", views.merchant_campaigns, name="merchant_campaigns"),
    path("merchant/ads/topup/", views.merchant_topup, name="merchant_topup"),
    path("merchant/ads/<str:number>/", views.merchant_campaign, name="merchant_campaign"),
    path("ops/ads/", views.ops_review, name="ops_review"),  # the operator's campaign review queue (staff)
    path("ops/revenue/", revenue_views.ops_revenue, name="ops_revenue"),  # the platform revenue report (staff)
]
