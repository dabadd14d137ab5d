"""The pool-against-target page and its export, checked against a count made independently here."""

import io
import re
from collections import Counter
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.reserves import services
from lingtouyang.reserves.models import PoolTarget
from tests import factories as f
from tests.reserves.conftest import Pool

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def _fill(pool: Pool) -> dict[str, int]:
    """谭坝村: 7 active (target 6, none short); the other 喻寺镇 village: 2 active + 1 withdrawn (short 4)."""
    people = f.make_people(f.TANBA, 7, surname="甘", with_post=False)
    for p in people:
        pool.add(person=p)
    others = f.make_people(f.OTHER_YUSI_VILLAGE, 3, surname="莫", with_post=False)
    for p in others:
        pool.add(person=p, village=f.OTHER_YUSI_VILLAGE)
    gone = pool.add(person=pool.mo, village=f.OTHER_YUSI_VILLAGE)
    services.reserve_set_status(acting_user=pool.users["township"], reserve=gone, status="withdrawn", reason="迁出")
    services.reserve_set_status(acting_user=pool.users["township"], reserve=pool.add(person=others[0], village=f.TANBA),
                                status="appointed")
    return {f.TANBA: 7, f.OTHER_YUSI_VILLAGE: 3}


def _expected(prefix: str, active: dict[str, int]) -> dict[str, tuple[int, int, int]]:
    """Independently: every village under the prefix, target 2 × 3 (the city default), shortfall ≥ 0."""
    villages = Region.objects.filter(code__startswith=prefix, level=5).values_list("code", flat=True)
    return {code: (active.get(code, 0), 6, max(6 - active.get(code, 0), 0)) for code in villages}


def _rows(html: str) -> dict[str, tuple[int, int, int]]:
    rows = re.findall(r"<td>(\d{12})</td>.*?<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td>", html, re.S)
    return {code: (int(a), int(b), int(c)) for code, a, b, c in rows}


def test_the_page_agrees_with_an_independent_count(pool: Pool) -> None:
    active = _fill(pool)
    client = login("township")
    shown: dict[str, tuple[int, int, int]] = {}
    page = 1
    while True:
        html = client.get(reverse("reserves:pools"), {"page": page}).content.decode()
        shown.update(_rows(html))
        if "next ›" not in html:
            break
        page += 1
    assert shown == _expected("510521102", active)
    # Only those that fall short: 谭坝村 (7 ≥ 6) drops out, the other keeps its shortfall of 3.
    short = _rows(client.get(reverse("reserves:pools"), {"short": "1", "region": "510521102"}).content.decode())
    want = {c: v for c, v in _expected("510521102", active).items() if v[2] > 0}
    assert set(short) <= set(want) and short[f.OTHER_YUSI_VILLAGE] == (3, 6, 3) and f.TANBA not in short


def test_a_county_rule_changes_the_targets_and_the_shortfalls(pool: Pool) -> None:
    _fill(pool)
    PoolTarget.objects.create(prefix="510521102", per_post=3, effective_from=date(2024, 1, 1))
    html = login("county").get(reverse("reserves:pools"), {"region": "510521102"}).content.decode()
    rows = _rows(html)
    assert rows[f.TANBA] == (7, 9, 2) and rows[f.OTHER_YUSI_VILLAGE] == (3, 9, 6)


def test_out_of_scope_regions_show_nothing(pool: Pool) -> None:
    html = login("township").get(reverse("reserves:pools"), {"region": "510525"}).content.decode()
    assert _rows(html) == {}


def test_the_export_holds_the_same_figures_and_is_audited(pool: Pool) -> None:
    active = _fill(pool)
    response = login("township").get(reverse("reserves:pools_export"), {"short": "1"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    want = {c: v for c, v in _expected("510521102", active).items() if v[2] > 0}
    assert {r[0]: (r[2], r[3], r[4]) for r in rows} == want
    event = AuditEvent.objects.get(action="export.reserve_pools")
    assert (event.region_code, event.actor) == (f.YUSI, pool.users["township"])


def test_two_grouped_queries_whatever_the_number_of_villages(pool: Pool, django_assert_num_queries) -> None:  # noqa: ANN001
    from lingtouyang.reserves.selectors import pool_figures

    _fill(pool)
    assert pool.users["city"].region  # the account's own region, as a request has it already
    with django_assert_num_queries(2):
        city = list(pool_figures(pool.users["city"]))
    assert len(city) == 1488
    assert Counter(r.target for r in city) == {6: 1488}
    assert sum(r.pool for r in city) == 10
