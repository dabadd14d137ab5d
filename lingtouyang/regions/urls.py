from django.urls import path

from lingtouyang.regions import views

app_name = "regions"
urlpatterns = [
    path("lookup/", views.region_lookup, name="lookup"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/export.xlsx", views.region_export, name="export"),
]
