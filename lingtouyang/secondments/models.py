"""Secondments (挂职锻炼): a cadre sent for a while to a host organisation in a developed place (seed: 48
community party secretaries to Shanghai and Chengdu), with a mentor there, a mid-term and a final
evaluation. `region` is the person's village, which decides who sees the row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")  # 优秀
    GOOD = "good", _("good")  # 良好
    PASS = "pass", pgettext_lazy("grade", "pass")  # 合格
    FAIL = "fail", pgettext_lazy("grade", "fail")  # 不合格


class SecondmentQuerySet(ScopedQuerySet):
    scope_capability = "view_training"


class Secondment(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        EVALUATED = "evaluated", _("evaluated")
        CANCELLED = "cancelled", _("cancelled")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="secondments")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    host_place = models.CharField(_("host place"), max_length=50, help_text=_("the city, e.g. 上海市"))
    host_organisation = models.CharField(_("host organisation"), max_length=100)
    start_date = models.DateField(_("start of secondment"))
    end_date = models.DateField(_("end of secondment"))
    mentor_name = models.CharField(_("mentor"), max_length=50, blank=True)
    mentor_post = models.CharField(_("mentor's post"), max_length=100, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    mid_grade = models.CharField(_("mid-term grade"), max_length=10, choices=Grade.choices, blank=True)
    mid_comment = models.TextField(_("mid-term comment"), blank=True)
    mid_on = models.DateField(_("mid-term evaluated on"), null=True, blank=True)
    mid_by = models.CharField(_("mid-term evaluated by"), max_length=100, blank=True)
    final_grade = models.CharField(_("final grade"), max_length=10, choices=Grade.choices, blank=True)
    final_comment = models.TextField(_("final comment"), blank=True)
    final_on = models.DateField(_("final evaluation on"), null=True, blank=True)
    final_by = models.CharField(_("final evaluation by"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SecondmentQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-start_date", "-id"]
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        indexes = [
            models.Index(fields=["region", "id"], name="secondment_region_id"),
            models.Index(fields=["person", "start_date"], name="secondment_person_start"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="secondment_dates")]

    def __str__(self) -> str:
        return f"{self.person} · {self.host_organisation}"
