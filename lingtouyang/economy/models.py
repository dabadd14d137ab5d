"""The village collective economy (村集体经济). A village's annual operating net income is the sum over its
projects of income minus cost for the year; the cadres who ran a project are its `ProjectCadre` rows. The
pay engine reads these tables (set-based) for the collective-economy incentive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class ProjectQuerySet(ScopedQuerySet):
    scope_capability = "view_management"


class Project(models.Model):
    """One operating project of a village collective in one year, e.g. 红岩村 tea processing in 2025."""

    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("project"), max_length=100)
    operating_income = models.DecimalField(_("operating income (yuan)"), max_digits=14, decimal_places=2)
    operating_cost = models.DecimalField(_("operating cost (yuan)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "year", "name"]
        verbose_name = _("collective economy project")
        verbose_name_plural = _("collective economy projects")
        indexes = [models.Index(fields=["region", "year"], name="economy_project_region_year"),
                   models.Index(fields=["year", "region"], name="economy_project_year_region")]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "name"], name="economy_project_once"),
            models.CheckConstraint(condition=models.Q(operating_income__gte=0), name="economy_income_not_negative"),
            models.CheckConstraint(condition=models.Q(operating_cost__gte=0), name="economy_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.name}"

    @property
    def net_income(self):  # type: ignore[no-untyped-def]
        return self.operating_income - self.operating_cost


class ProjectCadre(models.Model):
    """A cadre who ran (参与经营) a project: the incentive is paid to these people."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cadres")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("project cadre")
        verbose_name_plural = _("project cadres")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="economy_project_cadre_once")]
        indexes = [models.Index(fields=["person"], name="economy_project_cadre_person")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.person_id}"
