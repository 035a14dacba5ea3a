from django.urls import path

from quanzi.flashsale import views

app_name = "flashsale"
urlpatterns = [
    path("flash/", views.sales_page, name="sales"),
    path("flash/<id:sale_id>/", views.sale_page, name="sale"),
    path("flash/items/<id:item_id>/token/", views.item_token, name="item_token"),
    path("flash/items/<id:item_id>/buy/", views.buy, name="buy"),
    path("flash/r/<str:number>/pay/", views.reservation_pay, name="reservation_pay"),
    path("me/flash/", views.my_reservations, name="my_reservations"),
    path("merchant/flash/", views.merchant_sales, name="merchant_sales"),
    path("merchant/flash/<id:sale_id>/", views.merchant_sale, name="merchant_sale"),
]
