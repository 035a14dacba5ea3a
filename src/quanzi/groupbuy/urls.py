from django.urls import path

from quanzi.groupbuy import views

app_name = "groupbuy"
urlpatterns = [
    path("g/<str:number>/", views.group_page, name="group"),
    path("g/<str:number>/join/", views.join, name="join"),
    path("groupbuy/campaigns/<int:campaign_id>/open/", views.open_group, name="open"),
    path("groupbuy/products/<int:product_id>/groups/", views.product_groups, name="product_groups"),
    path("merchant/groupbuy/", views.merchant_campaigns, name="merchant_campaigns"),
    path("merchant/groupbuy/<int:campaign_id>/", views.merchant_campaign, name="merchant_campaign"),
]
