from django.urls import path

from quanzi.livesales import views

app_name = "livesales"
urlpatterns = [
    path("me/tips/", views.my_tips, name="my_tips"),
    path("me/tips/topup/", views.topup, name="topup"),
    path("me/tips/declaration/", views.declaration, name="declaration"),
    path("livesales/rooms/<str:number>/buy/", views.buy, name="buy"),
    path("livesales/rooms/<str:number>/tip/", views.tip, name="tip"),
    path("livesales/rooms/<str:number>/panel/", views.room_panel, name="room_panel"),
    path("livesales/rooms/<str:number>/prices/", views.price_start, name="price_start"),
    path("livesales/prices/<id:price_id>/end/", views.price_end, name="price_end"),
]
