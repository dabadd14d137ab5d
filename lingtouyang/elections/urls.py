from django.urls import path

from lingtouyang.elections import views, views_report

app_name = "elections"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("report/", views_report.report, name="report"),
    path("report/export.xlsx", views_report.report_export, name="report_export"),
    path("new/", views.create, name="create"),
    path("<int:election_id>/", views.detail, name="detail"),
    path("<int:election_id>/candidates/", views.candidate_add, name="candidate_add"),
    path("<int:election_id>/results/", views.results, name="results"),
    path("<int:election_id>/certify/", views.certify, name="certify"),
    path("<int:election_id>/cancel/", views.cancel, name="cancel"),
    path("village/<str:village>/", views.history, name="history"),
]
