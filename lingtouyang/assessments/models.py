"""Annual assessment (年度考核). `Result` is the contract the pay engine and the training module read: one
row per person and year with the final grade; only a published result counts for pay. Schemes, scores,
appeals and consequences live beside it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")  # 优秀
    COMPETENT = "competent", _("competent")  # 称职
    BASIC = "basic", _("basically competent")  # 基本称职
    INCOMPETENT = "incompetent", _("incompetent")  # 不称职


# Higher is better: a rule such as "不称职 never raises the bonus" compares ranks.
GRADE_RANK = {Grade.INCOMPETENT: 0, Grade.BASIC: 1, Grade.COMPETENT: 2, Grade.EXCELLENT: 3}


class ResultState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for approval")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")


# Accounts bound to a village (a cadre, a supervision committee member) see only their own person's rows:
# "a cadre sees only their own assessment", not their colleagues'. Officials see their jurisdiction.
OWN_ROWS_PREFIX_LENGTH = 12


class OwnRowsQuerySet(ScopedQuerySet):
    scope_capability = "view_assessment"
    person_field: str | None = "person_id"  # None: no own rows through this queryset
    own_extra: dict[str, Any] = {}  # noqa: RUF012 - read only

    def visible_to(self, user: Any, capability: str | None = None) -> Any:
        rows = super().visible_to(user, capability)
        if getattr(user, "region_id", None) and len(user.scope_prefix) >= OWN_ROWS_PREFIX_LENGTH:
            person_id = getattr(user, "person_id", None)
            if not person_id or self.person_field is None:
                return rows.none()
            return rows.filter(**{self.person_field: person_id}, **self.own_extra)
        return rows


class ResultQuerySet(OwnRowsQuerySet):
    own_extra = {"state": "published"}  # noqa: RUF012 - a cadre sees their result once it is published

    def published(self) -> ResultQuerySet:
        return self.filter(state=ResultState.PUBLISHED)


class Result(models.Model):
    """A person's assessment for a year. `region` is the village the person served in that year."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="assessment_results")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ResultState.choices, default=ResultState.DRAFT)
    # Beside the contract: the scheme it was computed under, the engine's grade (`grade` is the final one:
    # lowered by the township, or changed on appeal), why they differ, why an 优秀 stands above the cap.
    scheme = models.ForeignKey("Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="results")
    computed_grade = models.CharField(_("computed grade"), max_length=12, choices=Grade.choices, blank=True)
    grade_note = models.CharField(_("reason the grade differs"), max_length=300, blank=True)
    quota_override = models.CharField(_("reason for exceeding the cap"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "person_id"]
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        indexes = [models.Index(fields=["region", "year"], name="assessment_result_region_year"),
                   models.Index(fields=["year", "state", "person"], name="assessment_result_year_state")]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="assessment_result_once_a_year"),
            models.CheckConstraint(condition=models.Q(score__gte=Decimal(0), score__lte=Decimal(100))
                                   | models.Q(score__isnull=True), name="assessment_result_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.grade}"


# --- the scheme: policy as data ------------------------------------------------------------------


class ComponentKind(models.TextChoices):
    REGULAR = "regular", _("regular")  # 平时考核, e.g. quarterly
    SPECIAL = "special", _("special")  # 专项考核, tied to a named task
    ANNUAL = "annual", _("annual")  # 年度考核


class SchemeQuerySet(ScopedQuerySet):
    scope_capability = "view_assessment"


class Scheme(models.Model):
    """A county's assessment scheme for a year: the weights of the three kinds (summing to 100; a kind's
    score is the mean of its components), the grade bands (lower bounds, inclusive) and the cap on the
    share of 优秀 per township. Once a score is entered it is the policy the grades were computed under,
    so it is no longer changed (the services refuse)."""

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    weight_regular = models.PositiveSmallIntegerField(_("weight of regular assessment (%)"), default=30)
    weight_special = models.PositiveSmallIntegerField(_("weight of special assessment (%)"), default=20)
    weight_annual = models.PositiveSmallIntegerField(_("weight of annual assessment (%)"), default=50)
    band_excellent = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=2, default=Decimal(90))
    band_competent = models.DecimalField(_("competent from"), max_digits=5, decimal_places=2, default=Decimal(75))
    band_basic = models.DecimalField(_("basically competent from"), max_digits=5, decimal_places=2,
                                     default=Decimal(60))
    excellent_cap = models.PositiveSmallIntegerField(_("cap on excellent per township (%)"), default=20)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "region_id"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="assessment_scheme_once_a_year"),
            models.CheckConstraint(condition=models.Q(band_excellent__gt=models.F("band_competent"),
                                                      band_competent__gt=models.F("band_basic")),
                                   name="assessment_scheme_bands_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id[:6]} {self.year}"

    @property
    def weights(self) -> dict[str, int]:
        return {ComponentKind.REGULAR: self.weight_regular, ComponentKind.SPECIAL: self.weight_special,
                ComponentKind.ANNUAL: self.weight_annual}


class Component(models.Model):
    """One assessment within a scheme: a quarter's regular assessment, a special task's, the annual one."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("kind"), max_length=10, choices=ComponentKind.choices)
    name = models.CharField(_("name"), max_length=60)
    task = models.CharField(_("task"), max_length=120, blank=True)  # what a special assessment is about
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="assessment_component_name")]

    def __str__(self) -> str:
        return self.name


class ScoreQuerySet(OwnRowsQuerySet):
    person_field = None  # a cadre reads their scores on their published result's page


class Score(models.Model):
    """A person's score in one component, kept in hundredths (0–10000) so that the weighting is exact
    integer arithmetic in SQL on every database. `region` is the person's village, for scope."""

    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="scores")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    points = models.PositiveIntegerField(_("score (hundredths)"))
    entered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["region", "component"], name="assessment_score_region")]
        constraints = [
            models.UniqueConstraint(fields=["component", "person"], name="assessment_score_once"),
            models.CheckConstraint(condition=models.Q(points__lte=10000), name="assessment_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.component_id} {self.points}"

    @property
    def value(self) -> Decimal:
        return Decimal(self.points) / 100


# --- appeals and consequences --------------------------------------------------------------------


class AppealState(models.TextChoices):
    OPEN = "open", _("awaiting decision")
    UPHELD = "upheld", _("grade upheld")
    CHANGED = "changed", _("grade changed")


class AppealQuerySet(OwnRowsQuerySet):
    person_field = "result__person_id"


class Appeal(models.Model):
    """A cadre's appeal against their published grade; the county decides once, with a reason."""

    result = models.OneToOneField(Result, on_delete=models.PROTECT, related_name="appeal")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    filed_on = models.DateField(_("filed on"))
    reason = models.TextField(_("grounds of the appeal"))
    state = models.CharField(_("state"), max_length=10, choices=AppealState.choices, default=AppealState.OPEN)
    grade_before = models.CharField(_("grade appealed"), max_length=12, choices=Grade.choices)
    grade_after = models.CharField(_("grade decided"), max_length=12, choices=Grade.choices, blank=True)
    decision = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["region", "state"], name="assessment_appeal_region")]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.result_id} {self.state}"


class ConsequenceKind(models.TextChoices):
    RECOGNITION = "recognition", _("recognition")  # 表彰 (优秀)
    SELF_CRITICISM = "self_criticism", _("public self-criticism")  # 公开检讨 (不称职)
    CIRCULATED_CRITICISM = "circulated_criticism", _("circulated criticism")  # 通报批评 (不称职)


CRITICISM_KINDS = (ConsequenceKind.SELF_CRITICISM, ConsequenceKind.CIRCULATED_CRITICISM)


class ConsequenceQuerySet(OwnRowsQuerySet):
    pass


class Consequence(models.Model):
    """What followed a grade: recognition of 优秀 (recorded automatically on publishing), self-criticism and
    circulated criticism of 不称职 (recorded by officers, with their dates). Pay rises and bonuses are the pay
    engine's, which reads the grade."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="consequences")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=24, choices=ConsequenceKind.choices)
    dated_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    automatic = models.BooleanField(default=False)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsequenceQuerySet.as_manager()

    class Meta:
        ordering = ["dated_on", "id"]
        indexes = [models.Index(fields=["region", "kind"], name="assessment_consequence_region")]
        constraints = [models.UniqueConstraint(fields=["result"], condition=models.Q(kind="recognition"),
                                               name="assessment_recognised_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.dated_on}"
