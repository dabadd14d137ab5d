from django.urls import path

from lingtouyang.secondments import views

app_name = "secondments"
urlpatterns = [path("", views.list_view, name="list")]
