from django.urls import path

from quanzi.recommend import views

app_name = "recommend"
urlpatterns = [
    path("recommend/for-you/", views.for_you, name="for_you"),  # HTMX: the home page's 猜你喜欢
    path("recommend/feed/", views.feed_cards, name="feed_cards"),  # HTMX: two picks at the head of Discover
    path("recommend/also/<id:product_id>/", views.also_viewed, name="also"),  # HTMX: the product page's 看了又看
    path("recommend/after/<str:number>/", views.after_order, name="after_order"),  # HTMX: the order page's 买了还买
    path("me/recommendations/", views.settings_page, name="settings"),
    path("me/recommendations/interests/", views.interests, name="interests"),  # POST: the interests picked
    path("ops/recommend/", views.ab_report, name="ab_report"),  # the A/B arms (staff)
]
