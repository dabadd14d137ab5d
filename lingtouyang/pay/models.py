"""Pay (薪酬). A county's pay policy is versioned data: a `PayPolicy` row (effective_from, effective_to or open;
versions of one county never overlap) with its `PolicyRate` rows (basic monthly pay per post, performance pay per
grade, the collective-incentive share per grade). One-off `Reward`s are added per person. A `PayrollRun` computes,
set-based and in one transaction, one `Slip` per cadre with its `Line`s; every line names its rule and keeps the
figures that produced it (`figures`), rendered by `engine.explain`. Finished runs, slips and lines are never
updated: a new run is made instead."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class RateKind(models.TextChoices):
    BASIC = "basic", _("basic monthly pay per post")
    PERFORMANCE = "performance", _("annual performance pay per grade")
    INCENTIVE = "incentive", _("share of the collective incentive per grade (%)")


class Rule(models.TextChoices):
    BASIC = "basic", _("basic pay")
    PERFORMANCE = "performance", _("performance pay")
    INCENTIVE = "incentive", _("collective-economy incentive")
    SUBSIDY = "subsidy", _("social-work post subsidy")
    REWARD = "reward", _("one-off reward")


class PayPolicyQuerySet(ScopedQuerySet):
    scope_capability = "view_pay"


class PayPolicy(models.Model):
    """One version of a county's pay policy. Percentages are percent (85 = 85%)."""

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    deputy_share = models.DecimalField(_("deputies' share of the principal post's basic pay (%)"), max_digits=5,
                                       decimal_places=2, default=Decimal(85))
    raise_percent = models.DecimalField(_("raise per consecutive re-elected term (%)"), max_digits=5,
                                        decimal_places=2, default=Decimal(5))
    raise_compounds = models.BooleanField(_("the raise compounds"), default=True)
    incentive_threshold = models.DecimalField(_("incentive threshold of annual operating net income (yuan)"),
                                              max_digits=14, decimal_places=2, default=Decimal(50000))
    incentive_share = models.DecimalField(_("incentive share of the net income above the threshold (%)"),
                                          max_digits=5, decimal_places=2, default=Decimal(10))
    incentive_cap = models.DecimalField(_("incentive cap per village (yuan)"), max_digits=14, decimal_places=2,
                                        default=Decimal(100000))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PayPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-effective_from"]
        verbose_name = _("pay policy")
        verbose_name_plural = _("pay policies")
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="pay_policy_once"),
            models.CheckConstraint(condition=models.Q(effective_to__isnull=True)
                                   | models.Q(effective_to__gte=models.F("effective_from")),
                                   name="pay_policy_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.effective_from}–{self.effective_to or ''}"


class PolicyRate(models.Model):
    """One figure of a policy version: `key` is a post (basic) or a grade (performance, incentive)."""

    policy = models.ForeignKey(PayPolicy, on_delete=models.PROTECT, related_name="rates")
    kind = models.CharField(_("kind"), max_length=12, choices=RateKind.choices)
    key = models.CharField(_("post or grade"), max_length=24)
    value = models.DecimalField(_("amount or percent"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["policy_id", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind", "key"], name="pay_rate_once"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="pay_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.kind} {self.key} {self.value}"

    @property
    def key_label(self) -> str:
        from lingtouyang.assessments.models import Grade

        choices = dict(Post.choices) if self.kind == RateKind.BASIC else dict(Grade.choices)
        return str(choices.get(self.key, self.key))


class RewardQuerySet(ScopedQuerySet):
    scope_capability = "view_pay"


class Reward(models.Model):
    """A one-off reward (一次性奖励) for a cadre, paid in the runs of its year (annual) or its month."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RewardQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "region_id", "id"]
        verbose_name = _("one-off reward")
        verbose_name_plural = _("one-off rewards")
        indexes = [models.Index(fields=["year", "month", "region"], name="pay_reward_period")]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="pay_reward_positive")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}-{self.month} {self.amount}"


class RunState(models.TextChoices):
    RUNNING = "running", _("running")
    FINISHED = "finished", _("finished")


class PayrollRunQuerySet(ScopedQuerySet):
    scope_capability = "view_pay"


class PayrollRun(models.Model):
    """One payroll of a region for a year (`month` 0) or a month. `policies` is the snapshot of every policy
    version the run applied (with its rates), so a run explains itself whatever the policies become."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), default=0)  # 0: the whole year
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    reference_date = models.DateField(_("reference date"))
    policies = models.JSONField(_("policies applied"), default=list)
    slips = models.PositiveIntegerField(_("pay slips"), default=0)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    total = models.DecimalField(_("total (yuan)"), max_digits=16, decimal_places=2, default=Decimal(0))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    objects = PayrollRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        indexes = [models.Index(fields=["region", "year", "month"], name="pay_run_region_period")]
        constraints = [
            # One running payroll of a region and period at a time (besides the run's lock).
            models.UniqueConstraint(fields=["region", "year", "month"], condition=models.Q(state="running"),
                                    name="pay_run_one_running"),
            models.CheckConstraint(condition=models.Q(month__lte=12), name="pay_run_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A finished run is what was paid: never changed again.
        if self.pk and PayrollRun.objects.filter(pk=self.pk, state=RunState.FINISHED).exists():
            raise ValueError("a finished payroll run is immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("payroll runs are never deleted")

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


class SlipQuerySet(ScopedQuerySet):
    scope_capability = "view_pay"


class Slip(models.Model):
    """A cadre's pay slip in a run. `region` is the village of the post the basic pay follows."""

    # No database FKs on slips and lines (run, person, region; a line's slip): Django's are DEFERRABLE INITIALLY
    # DEFERRED, so each of a national payroll's millions of rows would be re-checked at COMMIT (measured: ~4 µs a
    # row a key, 11.5 s of 河北's 30 s). Slips and lines are written only by `services.payroll_run`, in one
    # transaction, from rows it has just read or inserted: the run row it created, people and villages taken from
    # people_appointment (itself FK-checked), the slip ids its own INSERT returned. Runs, slips and lines are
    # never deleted (their delete() raises) and people and regions are PROTECTed elsewhere.
    # No run index of its own: `pay_slip_run_region` starts with run_id; `pay_slip_person` serves "my slips".
    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="slip_set", db_index=False,
                            db_constraint=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False, db_constraint=False)
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2)

    objects = SlipQuerySet.as_manager()

    class Meta:
        ordering = ["run_id", "region_id", "person_id"]
        verbose_name = _("pay slip")
        verbose_name_plural = _("pay slips")
        # No unique (run, person) index: the run writes one slip a person by construction (GROUP BY person_id in
        # its one INSERT … SELECT) and slips are written nowhere else; the pages read a run's slips through
        # `pay_slip_run_region` and a person's through `pay_slip_person`. One index fewer to fill per slip.
        indexes = [models.Index(fields=["run", "region", "person"], name="pay_slip_run_region"),
                   models.Index(fields=["person"], name="pay_slip_person")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.person_id} {self.total}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise ValueError("pay slips are written by the payroll run only")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("pay slips are never deleted")


class Line(models.Model):
    """One line of a slip: the rule, the figures that produced it, the amount (rounded once)."""

    # No database FK: see Slip.
    slip = models.ForeignKey(Slip, on_delete=models.PROTECT, related_name="lines", db_constraint=False)
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices)
    figures = models.JSONField(_("figures"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["slip_id", "id"]
        verbose_name = _("pay slip line")
        verbose_name_plural = _("pay slip lines")

    def __str__(self) -> str:
        return f"{self.slip_id} {self.rule} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise ValueError("pay slip lines are written by the payroll run only")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("pay slip lines are never deleted")

    @property
    def explanation(self) -> str:
        from lingtouyang.pay.engine import explain

        return explain(self.rule, self.figures, self.amount)
