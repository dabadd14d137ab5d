app_name = "secondments"
urlpatterns: list = []
