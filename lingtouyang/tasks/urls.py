from django.urls import path

from lingtouyang.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("new/", views.create_view, name="create"),
    path("<int:task_id>/", views.detail_view, name="detail"),
    path("<int:task_id>/edit/", views.edit_view, name="edit"),
    path("<int:task_id>/progress/", views.progress_view, name="progress"),
    path("<int:task_id>/cancel/", views.cancel_view, name="cancel"),
    path("indicators/", views.indicators_view, name="indicators"),
    path("indicators/record/", views.value_record_view, name="indicator_record"),
    path("indicators/new/", views.indicator_create_view, name="indicator_create"),
    path("indicators/export/", views.indicators_export_view, name="indicators_export"),
]
