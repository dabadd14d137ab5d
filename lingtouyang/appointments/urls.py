from django.urls import path

from lingtouyang.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.request_create, name="create"),
    path("end/<int:appointment_id>/", views.request_end, name="end"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/approve/", views.request_approve, name="approve"),
    path("<int:request_id>/reject/", views.request_reject, name="reject"),
    path("<int:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
]
