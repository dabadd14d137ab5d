app_name = "pay"
urlpatterns: list = []
