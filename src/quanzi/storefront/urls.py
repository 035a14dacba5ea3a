from django.conf import settings
from django.urls import path

from quanzi.storefront import cart_views, me_views, order_views, views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("shop/<id:shop_id>/", views.shop, name="shop"),
    path("search/", views.search, name="search"),
    path("p/<id:product_id>/", views.product, name="product"),
    path("cart/", cart_views.cart, name="cart"),
    path("cart/add/", cart_views.cart_add, name="cart_add"),
    path("cart/lines/<id:line_id>/", cart_views.cart_line_update, name="cart_line_update"),
    path("cart/lines/<id:line_id>/remove/", cart_views.cart_line_remove, name="cart_line_remove"),
    path("checkout/", cart_views.checkout, name="checkout"),
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/<str:number>/", order_views.order_detail, name="order_detail"),
    path("orders/<str:number>/pay/", order_views.order_pay, name="order_pay"),
    path("orders/<str:number>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("orders/<str:number>/confirm/", order_views.order_confirm, name="order_confirm"),
    path("orders/<str:number>/after-sales/new/", order_views.aftersale_new, name="aftersale_new"),
    path("after-sales/<str:number>/", order_views.aftersale_detail, name="aftersale_detail"),
    path("me/", me_views.me, name="me"),
    path("me/addresses/", me_views.addresses, name="addresses"),
    path("me/addresses/new/", me_views.address_new, name="address_new"),
    path("me/addresses/<id:address_id>/", me_views.address_edit, name="address_edit"),
    path("me/addresses/<id:address_id>/delete/", me_views.address_delete, name="address_delete"),
    path("me/addresses/<id:address_id>/default/", me_views.address_default, name="address_default"),
]

# The sandbox carrier's "advance parcel" button exists only where the sandbox carrier is on: never in
# production unless a staging site opts in (shipping/checks.py).
if settings.QUANZI.get("SANDBOX_CARRIER"):
    urlpatterns.append(path("orders/<str:number>/advance-parcel/", order_views.order_advance_parcel,
                            name="order_advance_parcel"))
