"""Care and discipline (关心关爱, 从严管理): condolence visits (关心慰问), reminder talks (谈话提醒) with their
follow-up, hardship assistance (困难帮扶) with its amount. `region` is the person's village when the record was
made, which decides who sees it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Kind(models.TextChoices):
    CONDOLENCE = "condolence", _("condolence visit")  # 关心慰问
    REMINDER = "reminder", _("reminder talk")  # 谈话提醒
    HARDSHIP = "hardship", _("hardship assistance")  # 困难帮扶


class CareRecordQuerySet(ScopedQuerySet):
    scope_capability = "view_management"


class CareRecord(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="care_records")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    by_whom = models.CharField(_("by whom"), max_length=100, help_text=_("e.g. 镇党委书记 王某某"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Hardship assistance always, a condolence visit optionally (慰问金); never a reminder talk.
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    # A reminder talk's follow-up: due by, done on, what was found.
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done = models.DateField(_("follow-up done on"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CareRecordQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-date", "-id"]
        verbose_name = _("care record")
        verbose_name_plural = _("care records")
        indexes = [
            models.Index(fields=["region", "date"], name="care_record_region_date"),
            # The "no care this year" anti-join looks up one person's records in a year.
            models.Index(fields=["person", "date"], name="care_record_person_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                                   name="care_amount_not_negative"),
            models.CheckConstraint(condition=~models.Q(kind="hardship") | models.Q(amount__isnull=False),
                                   name="care_hardship_has_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.date}"
