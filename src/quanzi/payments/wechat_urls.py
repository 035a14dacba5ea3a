"""WeChat Pay's pages (wechat_views), mounted at the site root next to the payments URLs:
`path("", include("quanzi.payments.wechat_urls"))`. They answer 404 while WeChat Pay is not enabled."""

from django.urls import path

from quanzi.payments import wechat_views

app_name = "wechatpay"
urlpatterns = [
    path("pay/wechat/oauth/", wechat_views.oauth_callback, name="oauth"),
    path("pay/wechat/<str:number>/jsapi/", wechat_views.jsapi, name="jsapi"),
    path("pay/wechat/<str:number>/native/", wechat_views.native, name="native"),
    path("pay/wechat/<str:number>/h5/", wechat_views.h5, name="h5"),
    path("pay/wechat/<str:number>/status/", wechat_views.status, name="status"),
]
