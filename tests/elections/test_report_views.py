"""The term structure report's page and Excel export: scope, figures shown, export contents, audit."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.codes import Gender, Post, Source
from tests import factories as f

pytestmark = pytest.mark.django_db

REPORT, EXPORT = reverse("elections:report"), reverse("elections:report_export")


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # labels and headers as their English msgids
    client.force_login(user)
    return client


@pytest.fixture
def terms() -> None:
    """谭坝村: a 2016 secretary who left (born 1960: 56 then), a 2021 secretary and director who is a
    returned migrant worker (born 1985: 35 then) and a woman member (born 1991: 29 then)."""
    old = f.make_person(f.TANBA, name="冯守旧", born=date(1960, 1, 1), source=Source.OTHER, education="70")
    f.make_appointment(old, post=Post.PARTY_SECRETARY, start=date(2016, 3, 1), term=2016, end_date=date(2021, 3, 1),
                       end_reason="换届离任")
    new = f.make_person(f.TANBA, name="柏新来", born=date(1985, 6, 1), source=Source.MIGRANT_WORKER)
    for post in (Post.PARTY_SECRETARY, Post.VILLAGE_DIRECTOR):
        f.make_appointment(new, post=post, start=date(2021, 3, 1), term=2021)
    woman = f.make_person(f.TANBA, name="褚晓红", born=date(1991, 6, 1), gender=Gender.FEMALE)
    f.make_appointment(woman, post=Post.VILLAGE_MEMBER, start=date(2021, 3, 1), term=2021)


def test_it_requires_login() -> None:
    for url in (REPORT, EXPORT):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_requires_view_people(users: dict[str, Any]) -> None:
    assert client_for(users["reviewer"]).get(REPORT).status_code == 403
    assert client_for(users["reviewer"]).get(EXPORT).status_code == 403


def test_page_shows_the_county_by_default(users: dict[str, Any], terms: None) -> None:
    response = client_for(users["county"]).get(REPORT)
    assert response.status_code == 200
    text = response.content.decode()
    assert "泸县" in text and "喻寺镇" in text  # the county and its townships
    report = response.context["report"]
    assert (report.term, report.previous_term) == (2021, 2016)
    assert (report.current.members, report.previous.members) == (2, 1)
    comparison = {str(row["label"]): row for row in response.context["comparison"]}
    age = comparison["Average age"]
    assert (age["before"], age["after"], age["change"]["text"], age["change"]["direction"]) == ("56.0", "32.0", "−24.0", "down")
    dual = comparison["Secretary also director (一肩挑)"]
    assert (dual["before"], dual["after"], dual["change"]["direction"]) == ("0.0%", "100.0%", "up")
    assert response.context["headline"]["new_migrant"] == "100.0%"
    assert 'id="report-data"' in text and "echarts.min.js" in text


def test_page_for_a_region_below_and_a_term(users: dict[str, Any], terms: None) -> None:
    response = client_for(users["city"]).get(REPORT, {"region": f.YUSI[:9], "term": "2016"})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.prefix == f.YUSI[:9] and (report.term, report.previous_term) == (2016, None)
    assert report.current.members == 1 and report.current.new_secretaries is None
    # A 12-digit code names the same region as its prefix.
    again = client_for(users["city"]).get(REPORT, {"region": f.YUSI})
    assert again.context["report"].prefix == f.YUSI[:9]


@pytest.mark.parametrize(("who", "region"), [
    ("township", "510521000000"),  # above one's own township
    ("township", f.OTHER_TOWNSHIP_VILLAGE),  # a village in another township
    ("county", f.GULIN),
    ("village", f.OTHER_YUSI_VILLAGE),
    ("city", f.CHENGDU),
])
def test_out_of_scope_is_404(users: dict[str, Any], who: str, region: str) -> None:
    f.make_outside_luzhou()
    client = client_for(users[who])
    assert client.get(REPORT, {"region": region}).status_code == 404
    assert client.get(EXPORT, {"region": region}).status_code == 404


def test_malformed_region_is_404(users: dict[str, Any]) -> None:
    assert client_for(users["city"]).get(REPORT, {"region": "51x"}).status_code == 404


def test_empty_region(users: dict[str, Any]) -> None:
    response = client_for(users["county"]).get(REPORT)
    assert response.status_code == 200
    assert response.context["report"].term is None and 'id="empty"' in response.content.decode()


def test_export_contents_and_audit(users: dict[str, Any], terms: None) -> None:
    response = client_for(users["township"]).get(EXPORT)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    headers, total, *children = rows
    assert headers[:4] == ("Region", "Code", "Members (2016)", "Members (2021)")
    by_code = {row[1]: row for row in children}
    assert total[1] == "510521102" and total[2:7] == (1, 2, 56, 32, -24)
    assert by_code[f.TANBA][2:4] == (1, 2) and by_code[f.OTHER_YUSI_VILLAGE][2:4] == (0, 0)
    named = dict(zip(headers, total, strict=True))
    assert named["一肩挑 (2021, per cent)"] == 100 and named["New secretaries"] == 1
    assert named["Returned migrant workers among new secretaries (per cent)"] == 100
    note = [r[0] for r in book.worksheets[1].iter_rows(values_only=True)]
    assert any("510521102000" in line for line in note)
    event = AuditEvent.objects.get(action="export.term_report")
    assert event.actor == users["township"] and event.region_code == f.YUSI


def test_region_page_links_to_the_report(users: dict[str, Any]) -> None:
    response = client_for(users["county"]).get(reverse("regions:detail", args=["510521000000"]))
    assert f'{REPORT}?region=510521' in response.content.decode()
