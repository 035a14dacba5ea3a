app_name = "feed"
urlpatterns: list = []
