from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from lingtouyang.accounts.api import obtain_token
from lingtouyang.api import views
from lingtouyang.api.fallback import NoSuchRoute
from lingtouyang.appointments import api as appointments_api
from lingtouyang.assessments import api as assessments_api
from lingtouyang.care import api as care_api
from lingtouyang.careers import api as careers_api
from lingtouyang.disclosure import api as disclosure_api
from lingtouyang.economy import api as economy_api
from lingtouyang.elections import api as elections_api
from lingtouyang.governance import api as governance_api
from lingtouyang.oversight import api as oversight_api
from lingtouyang.pay import api as pay_api
from lingtouyang.portal import api as portal_api
from lingtouyang.recruitment import api as recruitment_api
from lingtouyang.reserves import api as reserves_api
from lingtouyang.review import api as review_api
from lingtouyang.secondments import api as secondments_api
from lingtouyang.socialwork import api as socialwork_api
from lingtouyang.tasks import api as tasks_api
from lingtouyang.training import api as training_api
from lingtouyang.training import api_attendance as training_attendance_api

app_name = "api"
router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("people", views.PersonViewSet, basename="person")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("rule-sets", review_api.RuleSetViewSet, basename="ruleset")
router.register("review-departments", review_api.DepartmentViewSet, basename="review-department")
router.register("review-rounds", review_api.RoundViewSet, basename="review-round")
router.register("review-queue", review_api.QueueViewSet, basename="review-queue")
router.register("review-verdicts", review_api.VerdictViewSet, basename="review-verdict")
router.register("reserves", reserves_api.ReserveViewSet, basename="reserve")
router.register("reserve-merits", reserves_api.MeritViewSet, basename="reserve-merit")
router.register("pool-targets", reserves_api.PoolTargetViewSet, basename="pool-target")
router.register("recruitment-campaigns", recruitment_api.CampaignViewSet, basename="recruitment-campaign")
router.register("recruitment-applications", recruitment_api.ApplicationViewSet, basename="recruitment-application")
router.register("appointment-requests", appointments_api.AppointmentRequestViewSet, basename="appointment-request")
router.register("elections", elections_api.ElectionViewSet, basename="election")
router.register("election-candidates", elections_api.ElectionCandidateViewSet, basename="election-candidate")
router.register("training-attendances", training_attendance_api.AttendanceViewSet, basename="training-attendance")
router.register("training-evaluations", training_attendance_api.EvaluationViewSet, basename="training-evaluation")
router.register("secondments", secondments_api.SecondmentViewSet, basename="secondment")
router.register("socialwork-registrations", socialwork_api.RegistrationViewSet, basename="socialwork-registration")
router.register("training-bases", training_api.TrainingBaseViewSet, basename="training-base")
router.register("training-programmes", training_api.ProgrammeViewSet, basename="training-programme")
router.register("training-sessions", training_api.SessionViewSet, basename="training-session")
router.register("training-enrolments", training_api.EnrolmentViewSet, basename="training-enrolment")
# Use and management, open village affairs: each app registers its own viewsets.
assessments_api.register(router)
pay_api.register(router)
economy_api.register(router)
careers_api.register(router)
care_api.register(router)
tasks_api.register(router)
governance_api.register(router)
disclosure_api.register(router)
portal_api.register(router)
oversight_api.register(router)

urlpatterns = [
    # Issued against the password and, where two-step verification applies, a one-time code.
    path("auth/token/", obtain_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
    # Last: what no route above matches (an id that is not a number, a misspelt name).
    re_path(r"^(?P<rest>.+)$", NoSuchRoute.as_view(), name="no-such-route"),
]
