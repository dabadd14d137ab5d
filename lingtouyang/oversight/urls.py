from django.urls import path

from lingtouyang.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("export/", views.export_view, name="export"),
    path("<int:thread_id>/", views.thread_view, name="thread"),
    path("<int:thread_id>/answer/", views.answer_view, name="answer"),
    path("<int:thread_id>/moderate/", views.moderate_view, name="moderate"),
]
