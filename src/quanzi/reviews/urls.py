from django.urls import path

from quanzi.reviews import views

app_name = "reviews"
urlpatterns = [
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<id:review_id>/follow-up/", views.followup_new, name="followup_new"),
    path("reviews/<id:review_id>/helpful/", views.helpful_toggle, name="helpful_toggle"),
    path("me/reviews/", views.my_reviews, name="my_reviews"),
    path("p/<id:product_id>/reviews/", views.product_reviews, name="product_reviews"),
    path("merchant/reviews/", views.merchant_reviews, name="merchant_reviews"),
]
