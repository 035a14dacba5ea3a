from django.urls import path

from quanzi.bargain import views

app_name = "bargain"
urlpatterns = [
    path("bargain/", views.campaigns_page, name="campaigns"),
    path("b/<str:number>/", views.bargain_page, name="bargain"),
    path("b/<str:number>/help/", views.help_cut, name="help"),
    path("b/<str:number>/buy/", views.buy, name="buy"),
    path("bargain/posters/<str:code>.png", views.poster, name="poster"),
    path("bargain/campaigns/<id:campaign_id>/start/", views.start, name="start"),
    path("bargain/products/<id:product_id>/", views.product_bargain, name="product_bargain"),
    path("me/bargains/", views.my_bargains, name="my_bargains"),
    path("merchant/bargain/", views.merchant_campaigns, name="merchant_campaigns"),
    path("merchant/bargain/<id:campaign_id>/", views.merchant_campaign, name="merchant_campaign"),
]
