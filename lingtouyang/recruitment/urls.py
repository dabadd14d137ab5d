from django.urls import path

from lingtouyang.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.list_view, name="list"),
]
