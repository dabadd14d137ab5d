"""Reads of pay: scoped querysets and the few grouped queries the pages and the export need."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from lingtouyang.pay.models import Line, PayPolicy, PayrollRun, Slip
from lingtouyang.regions.models import Region

LEDGER_BATCH = 2_000


def policies(user: Any) -> QuerySet[PayPolicy]:
    """Policies of the user's counties (a township sees its county's)."""
    return PayPolicy.objects.shared_with(user).select_related("region").prefetch_related("rates")


def runs(user: Any) -> QuerySet[PayrollRun]:
    """Runs over the user's region, or of a region above it (a township reads its part of its county's run)."""
    return PayrollRun.objects.shared_with(user).select_related("region", "created_by")


def slips(user: Any) -> QuerySet[Slip]:
    """Slips of the user's jurisdiction, and the user's own (a cadre's account linked to their roster entry)."""
    scoped = Slip.objects.visible_to(user)
    person_id = getattr(user, "person_id", None)
    if person_id:
        scoped = Slip.objects.filter(Q(pk__in=scoped.values("pk")) | Q(person_id=person_id))
    return scoped


def run_slips(user: Any, run: PayrollRun) -> QuerySet[Slip]:
    return Slip.objects.visible_to(user).filter(run=run).select_related("person", "region").order_by(
        "region_id", "person_id")


def by_township(user: Any, run: PayrollRun) -> list[dict[str, Any]]:
    """Slips and total per township of the run (within the user's jurisdiction), one grouped query."""
    rows = list(Slip.objects.visible_to(user).filter(run=run).annotate(township=Substr("region_id", 1, 9))
                .values("township").annotate(slips=Count("id"), total=Sum("total")).order_by("township"))
    names = dict(Region.objects.filter(code__in=[r["township"].ljust(12, "0") for r in rows])
                 .values_list("code", "short_name"))
    for row in rows:
        row["name"] = names.get(row["township"].ljust(12, "0"), row["township"])
    return rows


def ledger_rows(user: Any, run: PayrollRun) -> Iterator[list[Any]]:
    """One row per line of the run's slips the user may see, in slip order, streamed in batches."""
    from lingtouyang.people.codes import POST_LABEL_ZH

    lines = (Line.objects.filter(slip__in=Slip.objects.visible_to(user).filter(run=run))
             .select_related("slip__person", "slip__region").order_by("slip__region_id", "slip__person_id", "id"))
    for line in lines.iterator(chunk_size=LEDGER_BATCH):
        slip = line.slip
        yield [run.pk, slip.pk, slip.region_id, slip.region.short_name, slip.person.name, slip.person.id_masked,
               POST_LABEL_ZH.get(slip.post, slip.post), line.get_rule_display(), line.explanation,
               float(line.amount)]
