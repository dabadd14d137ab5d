from django.urls import path

from lingtouyang.socialwork import views

app_name = "socialwork"
urlpatterns = [path("", views.list_view, name="list")]
