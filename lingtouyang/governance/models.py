"""Village governance: the rules the two committees work by and the measures that supervise village power,
as versioned checklists (policy as data); and major village decisions recorded step by step under
四议两公开, with the quorum of each meeting checked by `quorum.py`.

A `Checklist` version is never edited once published: the city publishes a new version (same `code`, next
`version`, a later effective date). A decision is checked against the version of a checklist in force on
the day its proposal was made.

A `Decision` belongs to a village (`region`). Its steps are `DecisionStep` rows, recorded in order; a
meeting (steps 3 and 4) that fails its quorum or vote may be held again, so a step may have several rows
and the latest one counts. `steps_done` (the steps passed, in order) and `failed` (the latest meeting
failed) are kept by the service so that lists and the compliance overview are plain indexed queries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.regions.models import Region


class Checklist(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="governance_checklist_version_once"),
            models.UniqueConstraint(fields=["code", "effective_from"], name="governance_checklist_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE,
                                  related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    aspect = models.CharField(_("aspect"), max_length=60, blank=True)
    text = models.CharField(_("measure"), max_length=500)

    class Meta:
        ordering = ["checklist_id", "number"]
        verbose_name = _("checklist measure")
        verbose_name_plural = _("checklist measures")
        constraints = [models.UniqueConstraint(fields=["checklist", "number"], name="governance_item_number_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class Matter(models.TextChoices):
    """What a decision is about. The first six are reserved to the villagers' meeting (村民委员会组织法
    art. 24; see quorum.ASSEMBLY_ONLY)."""

    ALLOWANCES = "allowances", _("cadre allowances and their rates")
    COLLECTIVE_INCOME = "collective_income", _("use of collective income")
    LAND_CONTRACTING = "land_contracting", _("land-contracting plan")
    HOMESTEAD = "homestead", _("homestead plan")
    LAND_COMPENSATION = "land_compensation", _("use of land compensation")
    COLLECTIVE_PROPERTY = "collective_property", _("disposal of collective property")
    PROJECT = "project", _("public works project")
    FUNDRAISING = "fundraising", _("fund-raising for public works, case by case")
    ECONOMY = "economy", _("collective economy and industry")
    OTHER = "other", _("other major matter")


class Step(models.IntegerChoices):
    PROPOSAL = 1, _("proposal by the party branch")
    DELIBERATION = 2, _("two-committee deliberation")
    REVIEW = 3, _("party members' review")
    RESOLUTION = 4, _("villagers' (representatives') resolution")
    RESOLUTION_PUBLISHED = 5, _("resolution published")
    RESULT_PUBLISHED = 6, _("result published")


class Body(models.TextChoices):
    """The meeting that votes at step 3 or 4; its quorum rule is in quorum.RULES."""

    PARTY_MEMBERS = "party_members", _("party members' meeting")
    VILLAGERS_ADULTS = "villagers_adults", _("villagers' meeting (adult villagers)")
    VILLAGERS_HOUSEHOLDS = "villagers_households", _("villagers' meeting (households' representatives)")
    REPRESENTATIVES = "representatives", _("villagers' representatives' meeting")


class DecisionQuerySet(ScopedQuerySet):
    scope_capability = "view_management"


class Decision(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    title = models.CharField(_("title"), max_length=200)
    matter = models.CharField(_("matter"), max_length=24, choices=Matter.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    major = models.BooleanField(_("major matter"), default=True)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    failed = models.BooleanField(_("latest meeting failed"), default=False)
    last_step_on = models.DateField(_("latest step on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-id"]
        verbose_name = _("village decision")
        verbose_name_plural = _("village decisions")
        indexes = [
            models.Index(fields=["region", "id"], name="governance_decision_region_id"),
            models.Index(fields=["steps_done", "failed"], name="governance_decision_progress"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(steps_done__gte=0, steps_done__lte=6), name="governance_steps_0_6"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="governance_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def complete(self) -> bool:
        return self.steps_done == 6


class DecisionStep(models.Model):
    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE,
                                 related_name="steps")
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    held_on = models.DateField(_("date"))
    # Step 2 recorded together with step 1 where one person holds both top posts (一肩挑).
    merged = models.BooleanField(_("merged with the proposal"), default=False)
    body = models.CharField(_("meeting"), max_length=24, choices=Body.choices, blank=True)
    entitled = models.PositiveIntegerField(_("entitled to attend"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    approve = models.PositiveIntegerField(_("in favour"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=True)
    place = models.CharField(_("where published"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision_id", "step", "id"]
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        constraints = [
            models.CheckConstraint(condition=Q(step__gte=1, step__lte=6), name="governance_step_1_6"),
            models.CheckConstraint(condition=Q(approve__isnull=True) | Q(present__isnull=True)
                                   | Q(approve__lte=models.F("present")), name="governance_approve_le_present"),
            models.CheckConstraint(condition=Q(present__isnull=True) | Q(entitled__isnull=True)
                                   | Q(present__lte=models.F("entitled")), name="governance_present_le_entitled"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.step} {self.held_on}"


class ComplianceCheck(models.Model):
    """Whether a decision complied with one measure of a checklist, with a note."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE,
                                 related_name="checks")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    complied = models.BooleanField(_("complied"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["decision_id", "item_id"]
        verbose_name = _("compliance check")
        verbose_name_plural = _("compliance checks")
        constraints = [models.UniqueConstraint(fields=["decision", "item"], name="governance_check_once")]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.item_id} {self.complied}"
