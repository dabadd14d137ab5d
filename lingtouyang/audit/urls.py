from django.urls import path

from lingtouyang.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export.xlsx", views.audit_export, name="export"),
    path("export.jsonl", views.audit_export_jsonl, name="export_jsonl"),
]
