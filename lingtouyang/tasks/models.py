"""Key tasks and indicators (重点任务与指标).

A `Task` is one governance task set for a region at any level (city, county, township, village) with its
owners (people on the roster and/or a responsible body named in words), dates and progress. Progress is
never set directly: every change is a `ProgressUpdate` row (date, percent, note) and the task's `progress`
is the latest of them, kept by `services.task_progress`. A task is overdue when it is not done or cancelled
and its deadline has passed.

Indicators are data: an `Indicator` defines what is counted (code, name, unit such as km, 个, 亩, whether it
is cumulative) and `IndicatorValue` rows record an amount for one region and one period (a year, or a month
of it). A region's figure is the sum of the values recorded at it and anywhere below it (its code prefix),
so a value is counted once, at the region that recorded it. For a cumulative indicator a value is what was
added in the period and the running total is the sum up to a period; for a level (not cumulative) the
figure of a period is the sum of that period's values."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Category(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("roads and infrastructure")
    INDUSTRY = "industry", _("industry and agriculture")
    ECOLOGY = "ecology", _("living environment and ecology")
    PARTY = "party", _("party building")
    GOVERNANCE = "governance", _("grassroots governance")
    LIVELIHOOD = "livelihood", _("livelihood and public services")
    OTHER = "other", _("other")


class State(models.TextChoices):
    OPEN = "open", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class TaskQuerySet(ScopedQuerySet):
    scope_capability = "view_management"

    def overdue(self, on: date | None = None) -> TaskQuerySet:
        return self.filter(state=State.OPEN, deadline__lt=on or timezone.localdate())


class Task(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    owners = models.ManyToManyField(Person, verbose_name=_("owners"), blank=True, related_name="key_tasks")
    responsible = models.CharField(_("responsible (in words)"), max_length=200, blank=True)
    start = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    progress = models.PositiveSmallIntegerField(_("progress (per cent)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "deadline", "id"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        indexes = [
            models.Index(fields=["region", "id"], name="tasks_task_region_id"),
            models.Index(fields=["state", "deadline"], name="tasks_task_state_deadline"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="tasks_progress_0_100"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("start")), name="tasks_deadline_after_start"),
            models.CheckConstraint(condition=Q(done_on__isnull=True) | Q(state="done"), name="tasks_done_on_if_done"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: date | None = None) -> bool:
        return self.state == State.OPEN and self.deadline < (on or timezone.localdate())


class ProgressUpdate(models.Model):
    """One report of a task's progress; the task's `progress` is its latest update's."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(_("progress (per cent)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_id", "on", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="tasks_update_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.on} {self.percent}%"


class Indicator(models.Model):
    """What is counted: data, added by the city (a data migration ships the three of the issue)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    cumulative = models.BooleanField(_("cumulative"), default=True,
                                     help_text=_("values are amounts added in each period and add up over time"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class IndicatorValueQuerySet(ScopedQuerySet):
    scope_capability = "view_management"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="values")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    # 0: the whole year; 1–12: a month of it.
    month = models.PositiveSmallIntegerField(_("month"), default=0)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "indicator_id", "year", "month"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [models.Index(fields=["region", "indicator"], name="tasks_value_region_indicator")]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year", "month"], name="tasks_value_once"),
            models.CheckConstraint(condition=Q(month__gte=0, month__lte=12), name="tasks_value_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_id} {self.year}/{self.month}: {self.value}"

    @property
    def period(self) -> str:
        return f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"
