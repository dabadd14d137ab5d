"""Training (训): the city's bases and programmes, the sessions a county schedules from them, who is
enrolled, who came to each sitting (QR check-in or an officer's mark), who completed, how they rated it
and the talent tags completion earns.

Completion is one rule, kept on the enrolment so that coverage reads no attendance: an enrolment is
complete when the hours of the sittings attended reach the programme's threshold share of the
session's hours (`attended_hours * 100 >= session.hours * programme.threshold`). `attended_hours` and
`completed_on` (the date of the sitting that crossed the threshold) are written by the attendance
service whenever attendance changes, and by the set-based demo generator with the same rule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Topic(models.TextChoices):
    RURAL_REVITALISATION = "rural_revitalisation", _("rural revitalisation")
    INDUSTRY = "industry", _("industry development")
    GOVERNANCE = "governance", _("social governance")
    PARTY_BUILDING = "party_building", _("party building")
    E_COMMERCE = "e_commerce", _("rural e-commerce")
    SOCIAL_WORK = "social_work", _("social work")
    OTHER = "other", _("other")


class Form(models.TextChoices):
    LECTURE = "lecture", _("expert lecture")  # 专家讲
    CENTRALISED = "centralised", _("centralised study")  # 集中学
    FIELD_VISIT = "field_visit", _("field visit")  # 现场看


class Audience(models.TextChoices):
    NEW_SECRETARIES = "new_secretaries", _("new-term secretaries")
    SECRETARIES = "secretaries", _("secretaries")
    ALL_CADRES = "all_cadres", _("all village cadres")
    COMMUNITY_CADRES = "community_cadres", _("community cadres")
    RESERVES = "reserves", _("reserve cadres")


class TalentTag(models.TextChoices):
    LOCAL_EXPERT = "local_expert", _("local expert")  # 土专家
    FARM_SCHOLAR = "farm_scholar", _("farm scholar")  # 田秀才
    INDUSTRY_LEADER = "industry_leader", _("industry leader")  # 产业发展带头人
    E_COMMERCE = "e_commerce", _("rural e-commerce talent")  # 农村电商人才
    MANAGER = "manager", _("rural professional manager")  # 农村职业经理人


class BaseKind(models.TextChoices):
    PARTY_SCHOOL = "party_school", _("party school")
    CADRE_COLLEGE = "cadre_college", _("cadre college")
    VOCATIONAL = "vocational", _("vocational college")
    FIELD_SITE = "field_site", _("field teaching site")
    OTHER = "other", _("other")


class TrainingBaseQuerySet(ScopedQuerySet):
    scope_capability = "view_training"


class TrainingBase(models.Model):
    """A place training happens (seed: 26 in Luzhou). `region` is where it is, which also decides who
    sees it: everyone in or above that region, and everyone below it."""

    region = models.ForeignKey(Region, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("host institution"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=BaseKind.choices, default=BaseKind.OTHER)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (trainees)"))
    specialties = models.JSONField(_("specialties"), default=list, blank=True)  # Topic values
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrainingBaseQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("training base")
        verbose_name_plural = _("training bases")
        indexes = [models.Index(fields=["region", "name"], name="training_base_region_name")]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="training_base_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProgrammeQuerySet(ScopedQuerySet):
    scope_capability = "view_training"


class Programme(models.Model):
    """What is taught: a topic in a form, its hours, its audience, the attendance share needed to
    complete it and the talent tag completing it earns. `region` is the owner (the city or a county)."""

    region = models.ForeignKey(Region, verbose_name=_("organised by"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    title = models.CharField(_("title"), max_length=100)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    threshold = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"), default=80,
        help_text=_("share of the session's hours a trainee must attend"))
    talent_tag = models.CharField(_("talent tag earned"), max_length=20, choices=TalentTag.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "title"]
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        indexes = [models.Index(fields=["region", "title"], name="training_prog_region_title")]
        constraints = [models.CheckConstraint(condition=models.Q(threshold__gte=1, threshold__lte=100),
                                              name="training_prog_threshold_range")]

    def __str__(self) -> str:
        return self.title


class SessionQuerySet(ScopedQuerySet):
    scope_capability = "view_training"


class Session(models.Model):
    """One scheduled class (班次) of a programme at a base, run by a county (or the city): its sittings
    are the times trainees check in; its hours are the sum of theirs."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        FINISHED = "finished", _("finished")
        CANCELLED = "cancelled", _("cancelled")

    region = models.ForeignKey(Region, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="sessions")
    base = models.ForeignKey(TrainingBase, verbose_name=_("base"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="sessions")
    title = models.CharField(_("title"), max_length=100)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    capacity = models.PositiveIntegerField(_("places"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["region", "start_date"], name="training_session_region_start")]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="training_session_dates")]

    def __str__(self) -> str:
        return self.title


class Sitting(models.Model):
    """One part of a session with its own time and hours (a morning's lecture, an afternoon's visit):
    trainees check in to each. `token_nonce` changes when an officer renews the QR code, which voids
    every code shown before."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="sittings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    teacher = models.CharField(_("teacher"), max_length=50, blank=True)
    token_nonce = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="training_sitting_times")]

    def __str__(self) -> str:
        return f"{self.session} {self.starts_at:%Y-%m-%d %H:%M}"


class EnrolmentQuerySet(ScopedQuerySet):
    scope_capability = "view_training"


class Enrolment(models.Model):
    """A person in a session. `region` is the person's village when enrolled (jurisdiction: the
    session's county sees its enrolments, a township its villages' people)."""

    class Via(models.TextChoices):
        INDIVIDUAL = "individual", _("one by one")
        RULE = "rule", _("by rule")
        IMPORT = "import", _("from an Excel list")

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="enrolments")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="enrolments", db_index=False)
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    via = models.CharField(_("enrolled"), max_length=10, choices=Via.choices, default=Via.INDIVIDUAL)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    attended_hours = models.DecimalField(_("hours attended"), max_digits=6, decimal_places=1, default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="training_enrolment_once")]
        indexes = [
            models.Index(fields=["person", "completed_on"], name="training_enrol_person_done"),
            models.Index(fields=["region", "session"], name="training_enrol_region"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"


class Attendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("QR check-in")
        OFFICER = "officer", _("marked by an officer")

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                  related_name="attendances")
    sitting = models.ForeignKey(Sitting, verbose_name=_("sitting"), on_delete=models.CASCADE,
                                related_name="attendances", db_index=False)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["sitting_id", "enrolment_id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["enrolment", "sitting"], name="training_attendance_once")]
        indexes = [models.Index(fields=["sitting", "enrolment"], name="training_attendance_sitting")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.sitting_id}"


class Evaluation(models.Model):
    """A trainee's rating of a session they attended, once: 1–5 overall, with an optional comment."""

    enrolment = models.OneToOneField(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                     related_name="evaluation")
    score = models.PositiveSmallIntegerField(_("rating (1–5)"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="training_evaluation_score")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.score}"


class PersonTag(models.Model):
    """A talent tag a person earned by completing a session of a programme that awards it."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="talent_tags")
    tag = models.CharField(_("talent tag"), max_length=20, choices=TalentTag.choices)
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("earned by"), on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    earned_on = models.DateField(_("earned on"))

    class Meta:
        ordering = ["person_id", "tag"]
        verbose_name = _("talent tag")
        verbose_name_plural = _("talent tags")
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="training_person_tag_once")]
        indexes = [models.Index(fields=["tag", "person"], name="training_tag_person")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.tag}"
