from django.urls import path

from quanzi.recommend import views

app_name = "recommend"
urlpatterns = [
    path("recommend/for-you/", views.for_you, name="for_you"),  # HTMX: the home page's 猜你喜欢
    path("recommend/also/<id:product_id>/", views.also_viewed, name="also"),  # HTMX: the product page's 看了又看
    path("me/recommendations/", views.settings_page, name="settings"),
]
