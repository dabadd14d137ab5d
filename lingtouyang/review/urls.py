from django.urls import path

from lingtouyang.review import views

app_name = "review"
urlpatterns = [
    path("", views.round_list_view, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:round_id>/", views.round_detail, name="detail"),
    path("<int:round_id>/candidates/", views.round_candidates, name="candidates"),
    path("<int:round_id>/candidates/<int:candidate_id>/form.pdf", views.candidate_pdf, name="candidate_pdf"),
    path("<int:round_id>/open/", views.round_open, name="open"),
    path("<int:round_id>/close/", views.round_close, name="close"),
    path("queue/", views.queue, name="queue"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rules_new, name="rules_new"),
]
