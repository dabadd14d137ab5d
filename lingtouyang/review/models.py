"""Joint qualification review (任职资格联审): eligibility rules as versioned data, the departments that
attest them, and rounds in which each department records a verdict for each candidate."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class Department(models.Model):
    """A joint-review department. A reviewer's account names its department by `name` (User.department)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class RuleSetQuerySet(models.QuerySet):
    def current(self, on: date) -> RuleSet | None:
        """The version in force on a day: the highest version already effective."""
        return self.filter(effective_from__lte=on).order_by("-version").first()


class RuleSet(models.Model):
    """One published version of the eligibility rules. Never edited once published: a change is a new
    version, so a round keeps pointing at the rules it was reviewed under."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("eligibility rule set")
        verbose_name_plural = _("eligibility rule sets")

    def __str__(self) -> str:
        return f"v{self.version} ({self.effective_from:%Y-%m-%d})"


# What a new version may change in a rule (its code is what identifies it from one version to the next).
RULE_FIELDS = ["severity", "text", "department", "automatic", "parameter", "applies_to", "order"]


class Rule(models.Model):
    class Severity(models.TextChoices):
        CANNOT = "cannot", _("cannot (不得)")
        NOT_SUITABLE = "not_suitable", _("not suitable (不宜)")

    class Check(models.TextChoices):
        """How data decides the rule; empty: a department attests it."""

        NONE = "", _("attested by a department")
        MAX_AGE = "max_age", _("age at election at most the parameter")

    class AppliesTo(models.TextChoices):
        ALL = "all", _("all candidates")
        PRINCIPAL = "principal", _("secretary and director candidates")
        MEMBER = "member", _("other committee member candidates")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules")
    code = models.CharField(_("code"), max_length=20)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    text = models.TextField(_("text"))
    department = models.ForeignKey(Department, verbose_name=_("attesting department"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="rules")
    automatic = models.CharField(_("automatic check"), max_length=20, choices=Check.choices, blank=True, default="")
    parameter = models.IntegerField(_("parameter"), null=True, blank=True)
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rule_set", "order", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_unique_in_set")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class RoundQuerySet(ScopedQuerySet):
    scope_capability = "view_review"


class ReviewRound(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    name = models.CharField(_("name"), max_length=100)
    election_date = models.DateField(_("election date"), help_text=_("ages are counted on this day"))
    departments = models.ManyToManyField(Department, verbose_name=_("participating departments"), related_name="+")
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="rounds")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    close_reason = models.CharField(_("reason for closing early"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-id"]
        verbose_name = _("joint review round")
        verbose_name_plural = _("joint review rounds")
        indexes = [models.Index(fields=["region", "id"], name="review_round_region_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def election_year(self) -> int:
        return self.election_date.year


class CandidateQuerySet(ScopedQuerySet):
    region_field = "round__region_id"
    scope_capability = "view_review"


class Candidate(models.Model):
    class StandingFor(models.TextChoices):
        PRINCIPAL = "principal", _("secretary or director")
        MEMBER = "member", _("committee member")

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="candidates")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    standing_for = models.CharField(_("standing for"), max_length=20, choices=StandingFor.choices,
                                    default=StandingFor.PRINCIPAL)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="candidate_once_per_round")]

    def __str__(self) -> str:
        return self.person.name


class Verdict(models.Model):
    """A department's pass or fail for one candidate, or (department empty) the system's verdict on an
    automatic rule. Kept as given: who, when, why."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="verdicts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    passed = models.BooleanField(_("passed"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate", "id"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "department"], name="verdict_once_per_department",
                                    condition=models.Q(department__isnull=False)),
            models.UniqueConstraint(fields=["candidate", "rule"], name="verdict_once_per_rule",
                                    condition=models.Q(rule__isnull=False)),
            models.CheckConstraint(condition=models.Q(department__isnull=False) | models.Q(rule__isnull=False),
                                   name="verdict_by_department_or_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.department_id or self.rule_id} {'pass' if self.passed else 'fail'}"

    @property
    def automatic(self) -> bool:
        return self.department_id is None
