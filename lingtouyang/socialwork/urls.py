from django.urls import path

from lingtouyang.socialwork import views

app_name = "socialwork"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("certified/", views.certified_view, name="certified"),
    path("subsidy/", views.policy_view, name="policy"),
    path("subsidy/new/", views.policy_add, name="policy_add"),
    path("<int:registration_id>/", views.detail_view, name="detail"),
    path("<int:registration_id>/training/", views.training_view, name="training"),
    path("<int:registration_id>/result/", views.result_view, name="result"),
]
