from django.urls import path

from lingtouyang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:account_id>/", views.account_edit, name="edit"),
    # One's own second factor; SecondFactorMiddleware lets an unverified session reach these three only.
    path("two-step/", views.two_step, name="two_step"),
    path("two-step/setup/", views.two_step_setup, name="two_step_setup"),
    path("two-step/verify/", views.two_step_verify, name="two_step_verify"),
]
