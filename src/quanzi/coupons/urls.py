from django.urls import path

from quanzi.coupons import views

app_name = "coupons"
urlpatterns = [
    path("coupons/", views.centre, name="centre"),  # the coupon centre (领券中心)
    path("coupons/redeem/", views.redeem, name="redeem"),  # "Have a code?"
    path("coupons/<int:template_id>/claim/", views.claim, name="claim"),  # POST from the centre, shop and product
    path("coupons/<int:template_id>/share/", views.share, name="share"),  # POST: the shopper's link to it
    path("coupons/s/<str:code>/", views.shared, name="shared"),  # a shared coupon (friend: claim; sharer: stats)
    path("coupons/s/<str:code>/claim/", views.shared_claim, name="shared_claim"),
    path("me/coupons/", views.mine, name="mine"),
    path("merchant/coupons/", views.merchant, name="merchant"),
    path("merchant/coupons/new/", views.merchant_new, name="merchant_new"),
    path("merchant/coupons/<int:template_id>/status/", views.merchant_status, name="merchant_status"),
    path("ops/coupons/", views.ops, name="ops"),  # platform coupons (staff)
    path("ops/coupons/new/", views.ops_new, name="ops_new"),
    path("ops/coupons/<int:template_id>/status/", views.ops_status, name="ops_status"),
]
