from django.urls import path

from lingtouyang.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.decisions_view, name="decisions"),
    path("new/", views.decision_create_view, name="decision_create"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("checklists/", views.checklists_view, name="checklists"),
    path("checklists/new/", views.checklist_new_view, name="checklist_new"),
    path("checklists/<int:checklist_id>/", views.checklist_view, name="checklist"),
    path("<int:decision_id>/", views.decision_view, name="decision"),
    path("<int:decision_id>/step/", views.decision_step_view, name="decision_step"),
    path("<int:decision_id>/checks/", views.decision_checks_view, name="decision_checks"),
]
