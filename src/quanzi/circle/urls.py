app_name = "circle"
urlpatterns: list = []
