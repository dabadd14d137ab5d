from django.urls import path

from lingtouyang.pay import views

app_name = "pay"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("run/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/export/", views.run_export, name="run_export"),
    path("slips/<int:slip_id>/", views.slip_detail, name="slip"),
    path("mine/", views.mine, name="mine"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/new/", views.policy_add, name="policy_add"),
    path("rewards/", views.reward_list, name="rewards"),
    path("rewards/new/", views.reward_add, name="reward_add"),
]
