from django.urls import path

from quanzi.sharing import views

app_name = "sharing"
urlpatterns = [
    path("s/<str:code>", views.short_link, name="short"),
    path("s/<str:code>/poster.png", views.poster, name="poster"),
    path("share/p/<id:product_id>/", views.share_product, name="share_product"),
    path("i/<str:code>", views.invite_link, name="invite_link"),
    path("me/invite/", views.invite_page, name="invite"),
]
