from django.urls import include, path

from lingtouyang.accounts.views import LoginView, LogoutView, PasswordChangeView
from lingtouyang.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("regions/", include("lingtouyang.regions.urls")),
    path("people/", include("lingtouyang.people.urls")),
    path("review/", include("lingtouyang.review.urls")),
    path("reserves/", include("lingtouyang.reserves.urls")),
    path("elections/", include("lingtouyang.elections.urls")),
    path("recruitment/", include("lingtouyang.recruitment.urls")),
    path("training/", include("lingtouyang.training.urls")),
    path("secondments/", include("lingtouyang.secondments.urls")),
    path("social-work/", include("lingtouyang.socialwork.urls")),
    path("appointments/", include("lingtouyang.appointments.urls")),
    path("assessments/", include("lingtouyang.assessments.urls")),
    path("pay/", include("lingtouyang.pay.urls")),
    path("economy/", include("lingtouyang.economy.urls")),
    path("careers/", include("lingtouyang.careers.urls")),
    path("care/", include("lingtouyang.care.urls")),
    path("tasks/", include("lingtouyang.tasks.urls")),
    path("governance/", include("lingtouyang.governance.urls")),
    path("disclosure/", include("lingtouyang.disclosure.urls")),
    path("oversight/", include("lingtouyang.oversight.urls")),
    # The public portal: no login, for residents (questions and complaints first, the pages after).
    path("open/feedback/", include("lingtouyang.oversight.urls_public")),
    path("open/", include("lingtouyang.portal.urls")),
    path("audit/", include("lingtouyang.audit.urls")),
    path("accounts/", include("lingtouyang.accounts.urls")),
    path("api/v1/", include("lingtouyang.api.urls")),
]
