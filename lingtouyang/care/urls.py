from django.urls import path

from lingtouyang.care import views

app_name = "care"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("none-this-year/", views.without_view, name="without"),
    path("none-this-year/export.xlsx", views.without_export, name="without_export"),
    path("<int:record_id>/", views.detail_view, name="detail"),
    path("<int:record_id>/edit/", views.edit_view, name="edit"),
    path("<int:record_id>/follow-up/", views.follow_up_view, name="follow_up"),
]
