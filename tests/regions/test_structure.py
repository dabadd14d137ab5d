"""The drill-down's per-child figures where a city has no counties: 东莞, 中山, 嘉峪关 and 儋州 have
their townships right under the city, so the children's prefix is a township's, not a county's."""

from datetime import date

import pytest

from lingtouyang.people.codes import Gender, Post
from lingtouyang.people.selectors import children_structure, dual_post_counts
from lingtouyang.regions.models import Region
from lingtouyang.regions.naming import pinyin_keys
from tests import factories

pytestmark = pytest.mark.django_db

DONGGUAN = "441900000000"
DONGCHENG = "441900003000"
COMMUNITY = "441900003001"
OTHER_TOWN = "441900101000"
_CHAIN = [
    ("440000000000", "广东省", "广东省", 1, "province", None),
    (DONGGUAN, "东莞市", "东莞市", 2, "city", "440000000000"),
    (DONGCHENG, "东城街道", "东城街道", 4, "subdistrict", DONGGUAN),
    (COMMUNITY, "东城社区居民委员会", "东城社区", 5, "community", DONGCHENG),
    (OTHER_TOWN, "石碣镇", "石碣镇", 4, "town", DONGGUAN),
]


@pytest.fixture
def dongguan() -> Region:
    for code, name, short, level, kind, parent in _CHAIN:
        full, initials = pinyin_keys(short)
        Region.objects.create(code=code, name=name, short_name=short, level=level, kind=kind, parent_id=parent,
                              pinyin=full, initials=initials)
    secretary = factories.make_person(COMMUNITY, name="陈东城", born=date(1975, 6, 1))
    for post in (Post.PARTY_SECRETARY, Post.COMMUNITY_DIRECTOR):
        factories.make_appointment(secretary, post=post)
    member = factories.make_person(COMMUNITY, name="李小红", born=date(1990, 6, 1), gender=Gender.FEMALE)
    factories.make_appointment(member, post=Post.COMMUNITY_MEMBER)
    return Region.objects.get(code=DONGGUAN)


def test_a_city_without_counties_counts_its_townships(dongguan):
    rows = {row["region"].code: row for row in children_structure(dongguan)}
    assert set(rows) == {DONGCHENG, OTHER_TOWN}
    dongcheng = rows[DONGCHENG]
    assert (dongcheng["total"], dongcheng["women"], dongcheng["party"]) == (2, 1, 2)
    assert (dongcheng["villages_with_secretary"], dongcheng["dual_post"]) == (1, 1)
    assert dongcheng["average_age"] is not None
    assert (rows[OTHER_TOWN]["total"], rows[OTHER_TOWN]["villages_with_secretary"]) == (0, 0)


def test_the_township_below_counts_its_community(dongguan):
    (row,) = children_structure(Region.objects.get(code=DONGCHENG))
    assert (row["region"].code, row["total"], row["dual_post"]) == (COMMUNITY, 2, 1)


def test_dual_posts_group_by_the_prefix_given(dongguan):
    assert dual_post_counts(dongguan.prefix, 9) == {"441900003": (1, 1)}


def test_a_city_with_counties_is_unchanged(users):
    person = factories.make_person(factories.TANBA, name="马仕彬")
    factories.make_appointment(person, post=Post.PARTY_SECRETARY)
    rows = {row["region"].code: row for row in children_structure(Region.objects.get(code=factories.CITY))}
    assert rows["510521000000"]["total"] == 1
    assert rows["510521000000"]["villages_with_secretary"] == 1
    assert sum(row["total"] for row in rows.values()) == 1
