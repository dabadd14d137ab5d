from django.urls import path

from lingtouyang.careers import views

app_name = "careers"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("report/", views.report_view, name="report"),
    path("<int:event_id>/", views.detail_view, name="detail"),
    path("<int:event_id>/edit/", views.edit_view, name="edit"),
    path("people/<int:person_id>/", views.timeline_view, name="timeline"),
]
