"""Social-work certification (社会工作师): registrations for the national exam, the free preparatory
training, the result and the certificate; and the monthly post subsidy a county pays certified cadres
on duty, versioned by effective date (policy as data, read by `policy.py`).

A registration's `region` is the person's village; a subsidy rate's `region` is its county."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.training.models import Session


class Level(models.TextChoices):
    ASSISTANT = "assistant", _("assistant social worker")  # 助理社会工作师
    INTERMEDIATE = "intermediate", _("social worker")  # 社会工作师
    SENIOR = "senior", _("senior social worker")  # 高级社会工作师


# Higher is a higher certificate: the subsidy follows a person's highest one.
LEVEL_RANK = {Level.ASSISTANT: 1, Level.INTERMEDIATE: 2, Level.SENIOR: 3}


class Result(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    ABSENT = "absent", _("absent")


class RegistrationQuerySet(ScopedQuerySet):
    scope_capability = "view_training"

    def certified(self) -> RegistrationQuerySet:
        return self.filter(result=Result.PASSED).exclude(certificate_no="")


class Registration(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="socialwork_registrations")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    exam_year = models.PositiveSmallIntegerField(_("exam year"))
    level = models.CharField(_("certificate level"), max_length=12, choices=Level.choices)
    training_hours = models.DecimalField(_("preparatory training attended (hours)"), max_digits=5,
                                         decimal_places=1, null=True, blank=True)
    training_session = models.ForeignKey(Session, verbose_name=_("training session"), on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="+")
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, blank=True)
    result_on = models.DateField(_("result announced on"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-exam_year", "id"]
        verbose_name = _("social-work exam registration")
        verbose_name_plural = _("social-work exam registrations")
        indexes = [
            models.Index(fields=["region", "id"], name="socialwork_reg_region_id"),
            models.Index(fields=["person", "result"], name="socialwork_reg_person_result"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "exam_year", "level"], name="socialwork_reg_once"),
            models.UniqueConstraint(fields=["certificate_no"], condition=~models.Q(certificate_no=""),
                                    name="socialwork_certificate_unique"),
            models.CheckConstraint(condition=models.Q(certificate_no="") | models.Q(result="passed"),
                                   name="socialwork_certificate_needs_pass"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.exam_year} {self.get_level_display()}"

    @property
    def certified(self) -> bool:
        return self.result == Result.PASSED and bool(self.certificate_no)


class SubsidyRateQuerySet(ScopedQuerySet):
    scope_capability = "view_training"


class SubsidyRate(models.Model):
    """One level's monthly post subsidy in one county from a date on. A version of a county's policy is its
    rows sharing one `effective_from`; a new version is added, the past never edited."""

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    level = models.CharField(_("certificate level"), max_length=12, choices=Level.choices)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubsidyRateQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-effective_from", "level"]
        verbose_name = _("social-work post subsidy rate")
        verbose_name_plural = _("social-work post subsidy rates")
        constraints = [
            models.UniqueConstraint(fields=["region", "level", "effective_from"], name="socialwork_rate_once"),
            models.CheckConstraint(condition=models.Q(monthly_amount__gte=0), name="socialwork_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.level} {self.monthly_amount} @ {self.effective_from}"
