app_name = "socialwork"
urlpatterns: list = []
