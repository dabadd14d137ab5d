"""The training pages, one module per part: planning (bases, programmes, sessions, enrolment), attendance
(QR check-in, marks, evaluations, a cadre's own record, certificates) and coverage (report, ledger)."""

from lingtouyang.training import views, views_attendance, views_coverage

app_name = "training"
urlpatterns = [*views.urlpatterns, *views_attendance.urlpatterns, *views_coverage.urlpatterns]
