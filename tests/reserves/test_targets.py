"""Pool targets: the most specific prefix in force wins; a later row of the same prefix replaces an earlier
one from its effective date."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.regions.models import Region
from lingtouyang.reserves.models import PoolTarget
from lingtouyang.reserves.targets import in_force, per_post_for, target_expression, target_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_city_default_is_two_per_post() -> None:
    assert target_for(f.TANBA, date(2026, 1, 1)) == 6
    assert target_for(f.GULIN_VILLAGE, date(2026, 1, 1)) == 6
    assert target_for(f.TANBA, date(2020, 1, 1)) == 0  # before any rule took effect


def test_a_county_and_a_township_set_their_own() -> None:
    PoolTarget.objects.create(prefix="510521", per_post=3, effective_from=date(2024, 1, 1))
    PoolTarget.objects.create(prefix="510521102", per_post=1, effective_from=date(2025, 1, 1))
    assert target_for(f.TANBA, date(2023, 12, 31)) == 6  # the county's row not yet in force
    assert target_for(f.TANBA, date(2024, 1, 1)) == 9
    assert target_for(f.TANBA, date(2025, 6, 1)) == 3  # the township's, most specific
    assert target_for(f.OTHER_TOWNSHIP_VILLAGE, date(2025, 6, 1)) == 9
    assert target_for(f.GULIN_VILLAGE, date(2025, 6, 1)) == 6


def test_a_newer_row_of_the_same_prefix_replaces_the_older() -> None:
    PoolTarget.objects.create(prefix="5105", per_post=4, effective_from=date(2026, 3, 1))
    assert target_for(f.TANBA, date(2026, 2, 28)) == 6
    assert target_for(f.TANBA, date(2026, 3, 1)) == 12


def test_sql_and_python_agree() -> None:
    PoolTarget.objects.create(prefix="510521", per_post=3, effective_from=date(2024, 1, 1))
    PoolTarget.objects.create(prefix="510525001", per_post=5, effective_from=date(2024, 1, 1))
    rules = in_force(date(2026, 1, 1))
    rows = Region.objects.filter(level=5).annotate(t=target_expression(rules)).values_list("code", "t")
    assert all(t == per_post_for(code, rules) * 3 for code, t in rows)


prefixes = st.text(alphabet="0123456789", min_size=0, max_size=12)


@given(st.dictionaries(prefixes, st.integers(0, 9), max_size=6), st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_the_longest_matching_prefix_wins(rules: dict[str, int], code: str) -> None:
    matching = [p for p in rules if code.startswith(p)]
    expected = rules[max(matching, key=len)] if matching else 0
    assert per_post_for(code, rules) == expected


def test_admins_set_targets_for_their_region_only(users) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    from lingtouyang.audit.models import AuditEvent
    from lingtouyang.reserves.services import pool_target_set

    luxian = Region.objects.get(code="510521000000")
    row = pool_target_set(acting_user=users["county"], region=luxian, per_post=3, effective_from=date(2026, 1, 1))
    assert (row.prefix, target_for(f.TANBA, date(2026, 2, 1))) == ("510521", 9)
    event = AuditEvent.objects.get(action="reserve.target_set")
    assert (event.region_code, event.changes["per_post"]) == ("510521000000", [None, 3])
    before = (PoolTarget.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    for who, region, per_post, day in [
        ("county", Region.objects.get(code=f.GULIN), 3, date(2026, 1, 2)),  # another county
        ("county", Region.objects.get(code=f.CITY), 3, date(2026, 1, 2)),  # above its own
        ("township", Region.objects.get(code=f.YUSI), 3, date(2026, 1, 2)),  # not an admin
        ("county", luxian, 99, date(2026, 1, 2)),  # out of bounds
        ("county", luxian, 2, date(2026, 1, 1)),  # the same day again
    ]:
        with pytest.raises(ValidationError):
            pool_target_set(acting_user=users[who], region=region, per_post=per_post, effective_from=day)
    assert (PoolTarget.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before


def test_the_targets_page(users) -> None:  # noqa: ANN001
    from django.test import Client
    from django.urls import reverse

    county = Client(headers={"accept-language": "en"})
    county.force_login(users["county"])
    page = county.get(reverse("reserves:targets")).content.decode()
    assert "5105" in page and "in force" in page and "Set a target" in page
    response = county.post(reverse("reserves:targets"), {"region": "510521000000", "per_post": "3",
                                                         "effective_from": "2026-01-01"})
    assert response.status_code == 302 and PoolTarget.objects.filter(prefix="510521").exists()
    township = Client()
    township.force_login(users["township"])
    assert "Set a target" not in township.get(reverse("reserves:targets")).content.decode()
    assert township.post(reverse("reserves:targets"), {"region": f.YUSI, "per_post": "1",
                                                       "effective_from": "2026-01-02"}).status_code == 403
