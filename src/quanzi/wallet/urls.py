from django.urls import path

from quanzi.wallet import views

app_name = "wallet"
urlpatterns = [
    path("me/wallet/", views.wallet, name="wallet"),
    path("me/wallet/withdraw/", views.withdraw, name="withdraw"),
    path("me/wallet/withdrawals/<str:number>/", views.withdrawal, name="withdrawal"),
]
