from django.urls import path

from lingtouyang.secondments import views

app_name = "secondments"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:secondment_id>/", views.detail_view, name="detail"),
    path("<int:secondment_id>/edit/", views.edit_view, name="edit"),
    path("<int:secondment_id>/transition/", views.transition_view, name="transition"),
    path("<int:secondment_id>/evaluate/", views.evaluate_view, name="evaluate"),
]
