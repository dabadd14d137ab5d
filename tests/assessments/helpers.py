"""Shared test data for assessments: 泸县's 2025 scheme (30/20/50; two quarters, one special task, the
annual), people with posts in 喻寺镇's villages, and scores entered through the service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lingtouyang.assessments import services
from lingtouyang.assessments.models import Component, ComponentKind, Scheme
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from tests import factories as f

COUNTY = "510521000000"
YEAR = 2025


def make_scheme(cap: int = 20, **extra: Any) -> Scheme:
    scheme = services.scheme_create(acting_user=None, region=Region.objects.get(code=COUNTY), year=YEAR,
                                    excellent_cap=cap, **extra)
    for kind, name, task in [(ComponentKind.REGULAR, "第一季度", ""), (ComponentKind.REGULAR, "第二季度", ""),
                             (ComponentKind.SPECIAL, "乡村振兴专项", "乡村振兴"), (ComponentKind.ANNUAL, "年度考核", "")]:
        services.component_add(acting_user=None, scheme=scheme, kind=kind, name=name, task=task)
    return scheme


def components(scheme: Scheme) -> list[Component]:
    return list(scheme.components.order_by("position"))


def cadres(n: int, code: str = f.TANBA, surname: str = "王") -> list[Person]:
    people = f.make_people(code, n, surname=surname, with_post=False)
    for p in people:
        f.make_appointment(p, start=date(2021, 3, 1))
    return people


def enter(scheme: Scheme, people: list[Person], values: list[Decimal | int | str] | Decimal | int | str,
          user: Any = None, township: str = f.YUSI) -> None:
    """Every component of each person at the same score (or one score per component)."""
    comps = components(scheme)
    per = values if isinstance(values, list) else [values] * len(comps)
    entries = [(p.pk, c.pk, int(Decimal(str(v)) * 100)) for p in people for c, v in zip(comps, per, strict=True)]
    services.scores_record(acting_user=user, scheme=scheme, township=Region.objects.get(code=township),
                           entries=entries)
