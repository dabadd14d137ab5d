from django.urls import path

from lingtouyang.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/posts/", views.campaign_posts, name="posts"),
    path("<int:campaign_id>/transition/", views.campaign_transition, name="transition"),
    path("<int:campaign_id>/applications/new/", views.application_create, name="application_create"),
    path("<int:campaign_id>/applications/<int:application_id>/", views.application_detail, name="application"),
    path("<int:campaign_id>/applications/<int:application_id>/check/", views.application_check, name="check"),
    path("<int:campaign_id>/applications/<int:application_id>/scores/", views.application_scores, name="scores"),
    path("<int:campaign_id>/scores/import/", views.scores_import, name="scores_import"),
    path("<int:campaign_id>/ranking/", views.ranking_view, name="ranking"),
    path("<int:campaign_id>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("<int:campaign_id>/notice/", views.notice_view, name="notice"),
    path("<int:campaign_id>/notice.xlsx", views.notice_export, name="notice_export"),
    path("<int:campaign_id>/objections/<int:objection_id>/resolve/", views.objection_resolve,
         name="objection_resolve"),
]
