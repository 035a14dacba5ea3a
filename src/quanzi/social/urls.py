from django.urls import path

from quanzi.social import views

app_name = "social"
urlpatterns = [
    path("u/<str:uid>/", views.profile, name="profile"),
    path("u/<str:uid>/followers/", views.followers, name="followers"),
    path("u/<str:uid>/following/", views.following, name="following"),
    path("u/<str:uid>/follow/", views.follow_toggle, name="follow_toggle"),
    path("u/<str:uid>/block/", views.block_toggle, name="block_toggle"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("shop/<id:shop_id>/follow/", views.follow_shop_toggle, name="follow_shop_toggle"),
]
