from django.urls import path

from lingtouyang.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.list_view, name="list"),
]
