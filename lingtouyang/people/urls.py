from django.urls import path

from lingtouyang.people import views, views_import

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("export.xlsx", views.person_export, name="export"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("new/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/reveal-id/", views.person_reveal_id, name="reveal_id"),
    path("appointments/<int:appointment_id>/edit/", views.appointment_edit, name="appointment_edit"),
    path("import/", views_import.import_start, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:job_id>/", views_import.import_status, name="import_status"),
]
