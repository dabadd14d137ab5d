"""The demo's reserve pools: most villages at or above target, about one in ten short, built once."""

import pytest

from lingtouyang.people.idnumber import parse_id_number
from lingtouyang.regions.models import Region
from lingtouyang.reserves.demo import demo_reserves
from lingtouyang.reserves.models import Merit, Reserve
from lingtouyang.reserves.selectors import pool_figures

pytestmark = pytest.mark.django_db


def test_demo_pools(users) -> None:  # noqa: ANN001
    added = demo_reserves("510521")
    villages = Region.objects.filter(code__startswith="510521", level=5).count()
    assert added == Reserve.objects.count() > villages * 5
    assert demo_reserves("510521") == 0  # a second run adds nothing
    rows = list(pool_figures(users["county"]))
    short = sum(1 for r in rows if r.shortfall > 0)
    assert len(rows) == villages and 0 < short < villages * 0.2
    assert Merit.objects.exists() and not Merit.objects.exclude(evidence_path="").exists()
    for reserve in Reserve.objects.select_related("person")[:200]:
        info = parse_id_number(reserve.person.full_id_number())
        assert info.birth_date == reserve.person.birth_date and reserve.person.region_id == reserve.region_id
