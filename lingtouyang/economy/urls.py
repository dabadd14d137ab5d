from django.urls import path

from lingtouyang.economy import views

app_name = "economy"
urlpatterns = [
    path("", views.totals_view, name="totals"),
    path("export.xlsx", views.totals_export, name="export"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/<int:project_id>/", views.project_detail, name="detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="edit"),
    path("projects/<int:project_id>/delete/", views.project_delete, name="delete"),
    path("projects/<int:project_id>/cadres/add/", views.cadre_add, name="cadre_add"),
    path("projects/<int:project_id>/cadres/remove/", views.cadre_remove, name="cadre_remove"),
]
