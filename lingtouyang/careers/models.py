"""Careers (三个通道, 能上能下): a village cadre selected into township leadership (进入乡镇领导班子), passing the
targeted township civil-service exam (定向考录乡镇公务员) or taking a township public-institution post (乡镇事业
单位) — the three channels up — and demotion, dismissal and resignation. `region` is the person's village when
the event happened, which decides who sees the row (a move does not take the history along)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Kind(models.TextChoices):
    TOWNSHIP_LEADERSHIP = "township_leadership", _("into township leadership")  # 进入乡镇领导班子
    CIVIL_SERVICE = "civil_service", _("targeted township civil-service exam")  # 定向考录乡镇公务员
    PUBLIC_INSTITUTION = "public_institution", _("township public-institution post")  # 乡镇事业单位
    DEMOTION = "demotion", _("demotion")  # 降职
    DISMISSAL = "dismissal", _("dismissal")  # 免职/撤职
    RESIGNATION = "resignation", _("resignation")  # 辞职


# The three channels up (三个通道); the others are the way down or out (能下), and need a reason.
CHANNELS = (Kind.TOWNSHIP_LEADERSHIP, Kind.CIVIL_SERVICE, Kind.PUBLIC_INSTITUTION)
NEEDS_REASON = (Kind.DEMOTION, Kind.DISMISSAL, Kind.RESIGNATION)


class CareerEventQuerySet(ScopedQuerySet):
    scope_capability = "view_management"


class CareerEvent(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="career_events")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    destination = models.CharField(_("destination or organisation"), max_length=100, blank=True,
                                   help_text=_("e.g. 叙永县水尾镇人民政府"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The posts this event ended (through the appointment requests it filed and approved), for the record.
    ended_posts = models.PositiveSmallIntegerField(_("posts ended"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CareerEventQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-date", "-id"]
        verbose_name = _("career event")
        verbose_name_plural = _("career events")
        indexes = [
            models.Index(fields=["region", "date"], name="career_event_region_date"),
            models.Index(fields=["person", "date"], name="career_event_person_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind__in=["demotion", "dismissal", "resignation"])
                                   | ~models.Q(reason=""), name="career_event_reason_when_down"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.date}"
