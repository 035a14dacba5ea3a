from django.urls import path

from quanzi.console import order_views, product_views, views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("apply/", views.apply, name="apply"),
    path("products/", product_views.products, name="products"),
    path("products/new/", product_views.product_new, name="product_new"),
    path("products/<id:pk>/", product_views.product_edit, name="product_edit"),
    path("orders/", order_views.order_list, name="orders"),
    path("orders/<str:number>/", order_views.order_detail, name="order_detail"),
    path("after-sales/", order_views.aftersale_list, name="aftersales"),
    path("after-sales/<str:number>/", order_views.aftersale_detail, name="aftersale_detail"),
    path("after-sales/<str:number>/<str:action>/", order_views.aftersale_act, name="aftersale_act"),
    path("balance/", views.balance, name="balance"),
    path("shop/", views.shop_settings, name="shop_settings"),
]
