from django.urls import path

from lingtouyang.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.list_view, name="list"),
]
