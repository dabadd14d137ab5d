from django.urls import path

from lingtouyang.reserves import views

app_name = "reserves"
urlpatterns = [
    path("", views.reserve_list_view, name="list"),
    path("new/", views.reserve_create, name="create"),
    path("<int:reserve_id>/", views.reserve_detail, name="detail"),
    path("<int:reserve_id>/status/", views.reserve_status, name="status"),
    path("<int:reserve_id>/merits/", views.merit_add, name="merit_add"),
    path("evidence/<int:merit_id>/", views.merit_evidence, name="evidence"),
    path("pools/", views.shortfall, name="pools"),
    path("pools/export.xlsx", views.shortfall_export, name="pools_export"),
    path("targets/", views.pool_targets, name="targets"),
]
