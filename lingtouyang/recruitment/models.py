"""Public recruitment (公开招聘): a county's campaign for village posts — full-time deputy secretaries
recruited from returned migrant workers in 江阳区 — from applications to hire. Eligibility conditions,
weights and the notice period are the campaign's data; the notice calendar and its minimum are data too."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.codes import EDUCATION_CHOICES, Post, Source
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region


class Duty(models.TextChoices):
    COLLECTIVE_ECONOMY = "collective_economy", _("collective economy")
    SPECIALTY_INDUSTRY = "specialty_industry", _("specialty industry")
    COOPERATIVES = "cooperatives", _("cooperatives")
    E_COMMERCE = "e_commerce", _("rural e-commerce")
    GOVERNANCE = "governance", _("grassroots governance")


class CalendarDay(models.Model):
    """An exception to "Monday to Friday are working days": a public holiday, or a weekend worked (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'+' if self.is_workday else '-'} {self.note}"


class NoticePolicyQuerySet(models.QuerySet):
    def current(self, on: date) -> NoticePolicy | None:
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()


class NoticePolicy(models.Model):
    """The shortest public notice allowed, in working days, from a date on."""

    effective_from = models.DateField(_("effective from"))
    min_workdays = models.PositiveSmallIntegerField(_("minimum notice (working days)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = NoticePolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("notice policy")
        verbose_name_plural = _("notice policies")

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}: {self.min_workdays}"


class CampaignQuerySet(ScopedQuerySet):
    scope_capability = "view_recruitment"


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("accepting applications")
        SCREENING = "screening", _("eligibility screening")
        EXAMINING = "examining", _("examinations")
        NOTICE = "notice", _("public notice")
        HIRED = "hired", _("hired (closed)")
        CANCELLED = "cancelled", _("cancelled")

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Eligibility conditions data can decide; empty means "no such condition".
    reference_date = models.DateField(_("ages counted on"))
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_education = models.CharField(_("minimum education"), max_length=2, choices=EDUCATION_CHOICES, blank=True)
    required_sources = models.JSONField(_("required sources"), default=list, blank=True)
    party_member_required = models.BooleanField(_("must be a party member"), default=False)
    # Conditions checked by hand, one per line.
    manual_conditions = models.TextField(_("conditions checked by hand"), blank=True)
    written_weight = models.PositiveSmallIntegerField(_("written exam weight (%)"), default=50)
    interview_weight = models.PositiveSmallIntegerField(_("interview weight (%)"), default=50)
    interview_ratio = models.PositiveSmallIntegerField(
        _("candidates invited to interview per place"), null=True, blank=True,
        help_text=_("e.g. 3 for 1:3; empty: every eligible applicant"))
    notice_workdays = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    duties = models.JSONField(_("duties offered"), default=list, blank=True)
    term = models.PositiveSmallIntegerField(_("term (election year)"), null=True, blank=True,
                                            help_text=_("empty: the county's latest term on the roster"))
    notice_start = models.DateField(_("notice starts"), null=True, blank=True)
    notice_end = models.DateField(_("notice ends"), null=True, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-id"]
        verbose_name = _("recruitment campaign")
        verbose_name_plural = _("recruitment campaigns")
        indexes = [models.Index(fields=["region", "id"], name="recruit_campaign_region_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def manual_condition_list(self) -> list[str]:
        return [line.strip() for line in self.manual_conditions.splitlines() if line.strip()]

    def duty_labels(self) -> list[str]:
        return [str(Duty(d).label) for d in self.duties if d in Duty.values]

    def source_labels(self) -> list[str]:
        return [str(Source(s).label) for s in self.required_sources if s in Source.values]


class CampaignPostQuerySet(ScopedQuerySet):
    scope_capability = "view_recruitment"


class CampaignPost(models.Model):
    """Places offered in one village."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posts")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+")
    post = models.CharField(_("post"), max_length=24, choices=Post.choices, default=Post.FULLTIME_DEPUTY)
    places = models.PositiveSmallIntegerField(_("places"), default=1)

    objects = CampaignPostQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "region_id", "id"]
        verbose_name = _("campaign post")
        verbose_name_plural = _("campaign posts")
        constraints = [models.UniqueConstraint(fields=["campaign", "region", "post"], name="recruit_post_once")]

    def __str__(self) -> str:
        return f"{self.region.short_name} · {self.get_post_display()}"


class ApplicationQuerySet(ScopedQuerySet):
    region_field = "campaign__region_id"
    scope_capability = "view_recruitment"


class Application(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("application valid")
        WITHDRAWN = "withdrawn", _("withdrawn")
        HIRED = "hired", _("hired")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    campaign_post = models.ForeignKey(CampaignPost, verbose_name=_("post applied for"), on_delete=models.PROTECT,
                                      related_name="applications")
    person = models.ForeignKey(Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("submitted on"))
    # The automatic check: [{"check": ..., "value": ..., "limit": ...}] for each condition failed.
    auto_failures = models.JSONField(default=list, blank=True)
    manual_passed = models.BooleanField(_("conditions checked by hand met"), null=True, blank=True)
    manual_reason = models.CharField(_("reason"), max_length=500, blank=True)
    manual_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    written_score = models.DecimalField(_("written exam score"), max_digits=5, decimal_places=2, null=True,
                                        blank=True)
    interview_score = models.DecimalField(_("interview score"), max_digits=5, decimal_places=2, null=True,
                                          blank=True)
    proposed = models.BooleanField(_("proposed for hire"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    duties = models.JSONField(_("duties"), default=list, blank=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="recruit_apply_once")]

    def __str__(self) -> str:
        return f"{self.number} {self.person.name}"

    @property
    def number(self) -> str:
        """The application number printed on lists and accepted by the score import."""
        return str(self.pk)

    @property
    def auto_passed(self) -> bool:
        return not self.auto_failures

    def eligible_for(self, campaign: Campaign) -> bool:
        """Eligible: no automatic failure, and the hand-checked conditions met (or none to check)."""
        if self.auto_failures or self.status == self.Status.WITHDRAWN:
            return False
        if campaign.manual_condition_list:
            return self.manual_passed is True
        return self.manual_passed is not False

    @property
    def eligible(self) -> bool:
        return self.eligible_for(self.campaign)

    def duty_labels(self) -> list[str]:
        return [str(Duty(d).label) for d in self.duties if d in Duty.values]


class ObjectionQuerySet(ScopedQuerySet):
    region_field = "application__campaign__region_id"
    scope_capability = "view_recruitment"


class Objection(models.Model):
    """An objection (异议) raised during the public notice about one proposed hire."""

    class Resolution(models.TextChoices):
        PENDING = "pending", _("unresolved")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=100)
    content = models.TextField(_("content"))
    raised_on = models.DateField(_("raised on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices,
                                  default=Resolution.PENDING)
    resolution_reason = models.CharField(_("reason"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["application__campaign", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.content[:30]}"
