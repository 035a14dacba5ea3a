from django.urls import path

from quanzi.guarantees import views

app_name = "guarantees"
urlpatterns = [
    path("guarantees/shop/<int:shop_id>/", views.shop_page, name="shop"),
    path("me/claims/", views.mine, name="mine"),
    path("me/claims/new/<int:line_id>/", views.file_claim, name="file"),
    path("me/claims/<str:number>/", views.claim_detail, name="detail"),
    path("merchant/guarantees/", views.merchant, name="merchant"),
    path("merchant/guarantees/deposit/", views.merchant_deposit, name="merchant_deposit"),
    path("merchant/guarantees/claims/<str:number>/", views.merchant_claim, name="merchant_claim"),
    path("ops/claims/", views.ops_queue, name="ops_queue"),  # the operator's claims queue (staff)
    path("ops/claims/<str:number>/", views.ops_claim, name="ops_claim"),
]
