"""Annual assessment (年度考核). `Result` is the contract the pay engine and the training module read: one
row per person and year with the final grade; only a published result counts for pay. Schemes, scores,
appeals and consequences live beside it."""

from __future__ import annotations

from decimal import Decimal

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


class ResultQuerySet(ScopedQuerySet):
    scope_capability = "view_assessment"

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
