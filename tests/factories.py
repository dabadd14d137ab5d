"""Test data: valid ID numbers, people and accounts, written through the same services users call."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.test import Client, RequestFactory
from stdnum.cn import ric

from lingtouyang.accounts.models import User
from lingtouyang.accounts.roles import Role
from lingtouyang.people import services
from lingtouyang.people.codes import Gender
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region

PASSWORD = "correct-horse-battery"  # noqa: S105
_seq = itertools.count(1)


def id_number(county: str = "510502", born: date = date(1985, 3, 1), gender: str = Gender.MALE, seq: int | None = None) -> str:
    n = next(_seq) if seq is None else seq
    serial = (n % 499) * 2 + (1 if gender == Gender.MALE else 2)
    body = f"{county}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_person(region_code: str, *, name: str = "张三", born: date = date(1985, 3, 1),
                gender: str = Gender.MALE, **extra: Any) -> Person:
    region = Region.objects.get(code=region_code)
    data: dict[str, Any] = {
        "name": name, "gender": gender, "birth_date": born, "ethnicity": "01", "political_status": "01",
        "education": "30", "region": region, "phone": "13800000000", "source": "migrant_worker",
    }
    data.update(extra)
    number = data.pop("id_number", None) or id_number(region_code[:6], born, gender)
    return services.person_create(acting_user=None, id_number=number, **data)


def make_user(username: str, role: str, region_code: str, **extra: Any) -> User:
    user = User(username=username, role=role, region_id=region_code, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client: Client, username: str, password: str = PASSWORD) -> bool:
    """Sign a test client in with the account's password. Client.login passes no request to
    authenticate(), which django-axes (first among the backends) refuses; this hands it one."""
    return client.login(request=RequestFactory().post("/login/"), username=username, password=password)


# Named users, one per role, and the places they stand. 谭坝村 is in 喻寺镇, 泸县; 古蔺县 is elsewhere.
CITY = "510500000000"
JIANGYANG = "510502000000"
GULIN = "510525000000"
YUSI = "510521102000"
TANBA = "510521102237"
OTHER_YUSI_VILLAGE = "510521102238"
GULIN_VILLAGE = "510525001201"
JIANGYANG_COMMUNITY = "510502001001"

ROLE_USERS = {
    "city": (Role.CITY_ADMIN, CITY),
    "county": (Role.COUNTY_ADMIN, "510521000000"),
    "township": (Role.TOWNSHIP_OFFICER, YUSI),
    "village": (Role.VILLAGE_CADRE, TANBA),
    "supervisor": (Role.SUPERVISOR, TANBA),
    "reviewer": (Role.DEPT_REVIEWER, "510521000000"),
}


# Added for the permission matrix and the query counts.
OTHER_TOWNSHIP_VILLAGE = "510521103226"  # 罐顶山村, 得胜镇, 泸县: in the county, outside 喻寺镇
CHENGDU = "510100000000"
OUTSIDE_VILLAGE = "510104017001"  # 水井坊社区, 成都市锦江区: outside Luzhou, so outside every account here
_OUTSIDE_CHAIN = [
    ("510100000000", "成都市", "成都市", 2, "city", "510000000000"),
    ("510104000000", "锦江区", "锦江区", 3, "district", "510100000000"),
    ("510104017000", "锦官驿街道", "锦官驿街道", 4, "subdistrict", "510104000000"),
    (OUTSIDE_VILLAGE, "水井坊社区居委会", "水井坊社区", 5, "community", "510104017000"),
]


def make_outside_luzhou() -> Region:
    """A real chain of divisions outside Luzhou (the test database holds Luzhou only)."""
    from lingtouyang.regions.naming import pinyin_keys

    for code, name, short, level, kind, parent in _OUTSIDE_CHAIN:
        full, initials = pinyin_keys(short)
        Region.objects.get_or_create(code=code, defaults={
            "name": name, "short_name": short, "level": level, "kind": kind, "parent_id": parent,
            "pinyin": full, "initials": initials,
        })
    return Region.objects.get(code=OUTSIDE_VILLAGE)


def make_appointment(person: Person, *, region_code: str | None = None, post: str = "party_member",
                     start: date = date(2021, 3, 1), **extra: Any) -> Any:
    region = Region.objects.get(code=region_code or person.region_id)
    return services.appointment_create(acting_user=None, person=person, region=region, post=post,
                                       start_date=start, **extra)


def make_people(region_code: str, count: int, *, surname: str = "王", with_post: bool = True) -> list[Person]:
    """`count` people in one village, each with a current post, through the services."""
    given = "德智体美劳仁义礼信忠孝廉勤俭"
    people = []
    for i in range(count):
        name = surname + given[i % len(given)] + given[(i // len(given)) % len(given)]
        born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        person = make_person(region_code, name=name, born=born)
        if with_post:
            make_appointment(person)
        people.append(person)
    return people
