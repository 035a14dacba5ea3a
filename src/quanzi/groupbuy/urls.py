from django.urls import path

from quanzi.groupbuy import views

app_name = "groupbuy"
urlpatterns = [
    path("groupbuy/", views.campaigns_page, name="campaigns"),
    path("g/<str:number>/", views.group_page, name="group"),
    path("g/<str:number>/join/", views.join, name="join"),
    path("groupbuy/campaigns/<id:campaign_id>/open/", views.open_group, name="open"),
    path("groupbuy/products/<id:product_id>/groups/", views.product_groups, name="product_groups"),
    path("merchant/groupbuy/", views.merchant_campaigns, name="merchant_campaigns"),
    path("merchant/groupbuy/<id:campaign_id>/", views.merchant_campaign, name="merchant_campaign"),
]
