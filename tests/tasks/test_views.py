"""The pages of key tasks and indicators."""

from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.tasks import services
from lingtouyang.tasks.models import Indicator, ProgressUpdate, Task
from tests import factories as f
from tests.tasks.conftest import snapshot

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def task(code: str, title: str, **extra: Any) -> Task:
    data = {"region": Region.objects.get(code=code), "title": title, "category": "infrastructure",
            "start": date(2025, 1, 1), "deadline": date(2025, 6, 30), "responsible": "村委会"}
    data.update(extra)
    return services.task_create(acting_user=None, **data)


def test_the_list_is_scoped_and_flat_and_the_overdue_list(users: dict[str, Any]) -> None:
    task(f.TANBA, "谭坝村道硬化")
    task(f.GULIN_VILLAGE, "古蔺水渠整治", deadline=date(2099, 1, 1))
    county = login("county")
    text = county.get(reverse("tasks:list")).content.decode()
    assert "谭坝村道硬化" in text and "古蔺水渠整治" not in text
    city = login("city")
    overdue = city.get(reverse("tasks:overdue")).content.decode()
    assert "谭坝村道硬化" in overdue and "古蔺水渠整治" not in overdue
    assert login("reviewer").get(reverse("tasks:list")).status_code == 403
    with CaptureQueriesContext(connection) as one:
        city.get(reverse("tasks:list"))
    for i in range(8):
        task(f.OTHER_YUSI_VILLAGE, f"任务{i}", owners=f.make_people(f.OTHER_YUSI_VILLAGE, 1, surname="陈"))
    with CaptureQueriesContext(connection) as many:
        city.get(reverse("tasks:list"))
    assert len(many) == len(one)


def test_create_progress_and_cancel_through_the_pages(users: dict[str, Any]) -> None:
    owner = f.make_person(f.TANBA, name="甘守仁")
    client = login("township")
    assert "甘守仁" in client.get(reverse("tasks:create"), {"q": "gan"}).content.decode()
    response = client.post(reverse("tasks:create"), {
        "region": f.TANBA, "title": "人居环境整治", "category": "ecology", "responsible": "", "start": "2025-01-01",
        "deadline": "2025-12-31", "owners": [owner.pk]})
    made = Task.objects.get()
    assert response["Location"] == reverse("tasks:detail", args=[made.pk]) and list(made.owners.all()) == [owner]
    before = snapshot()
    bad = client.post(reverse("tasks:create"), {"region": f.GULIN_VILLAGE, "title": "x", "category": "ecology",
                                                "responsible": "x", "start": "2025-01-01", "deadline": "2025-12-31"})
    assert bad.status_code == 200 and "outside your jurisdiction" in bad.content.decode() and snapshot() == before
    assert client.post(reverse("tasks:progress", args=[made.pk]), {"on": "2025-03-01", "percent": "60",
                                                                   "note": "清运垃圾"}).status_code == 302
    refused = client.post(reverse("tasks:progress", args=[made.pk]), {"on": "2025-02-01", "percent": "70"})
    assert refused.status_code == 200 and "cannot come before it" in refused.content.decode()
    page = client.get(reverse("tasks:detail", args=[made.pk])).content.decode()
    assert "清运垃圾" in page and "60%" in page
    assert client.post(reverse("tasks:edit", args=[made.pk]), {
        "title": "人居环境整治提升", "category": "ecology", "responsible": "喻寺镇", "start": "2025-01-01",
        "deadline": "2026-06-30"}).status_code == 302
    made.refresh_from_db()
    assert made.title == "人居环境整治提升" and not made.owners.exists() and made.progress == 60
    assert client.post(reverse("tasks:cancel", args=[made.pk]), {"reason": "合并"}).status_code == 302
    assert ProgressUpdate.objects.count() == 1
    assert login("village").post(reverse("tasks:progress", args=[made.pk]), {"on": "2025-03-01",
                                                                              "percent": "1"}).status_code == 404


def test_indicators_page_sums_over_the_prefix_and_exports(users: dict[str, Any]) -> None:
    roads = Indicator.objects.get(code="roads_km")
    for code, year, value in [(f.TANBA, 2023, "1.5"), (f.TANBA, 2024, "2"), (f.OTHER_YUSI_VILLAGE, 2024, "3.1"),
                              (f.GULIN_VILLAGE, 2024, "10"), ("510521000000", 2024, "0.4")]:
        services.indicator_value_record(acting_user=None, indicator=roads, region=Region.objects.get(code=code),
                                        year=year, value=value)
    county = login("county")
    text = county.get(reverse("tasks:indicators")).content.decode()
    assert "7 km" in text  # 1.5 + 2 + 3.1 + 0.4 in 泸县; 古蔺县's 10 elsewhere
    assert "(recorded here)" in text and "喻寺镇" in text
    assert county.get(reverse("tasks:indicators"), {"region": "510525"}).status_code == 404
    city = login("city").get(reverse("tasks:indicators")).content.decode()
    assert "17 km" in city and "古蔺县" in city
    response = county.get(reverse("tasks:indicators_export"), {"region": "510521102"})
    book = openpyxl.load_workbook(__import__("io").BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert 6.6 in cells and 3.5 in cells  # 2024's running total in 喻寺镇; 2023 + 2024 in 谭坝村
    assert AuditEvent.objects.filter(action="export.indicators").count() == 1
    posted = login("township").post(reverse("tasks:indicator_record"), {
        "indicator": roads.pk, "region": f.TANBA, "year": "2025", "month": "", "value": "abc"})
    assert posted.status_code == 200 and "Enter a number" in posted.content.decode()
    ok = login("township").post(reverse("tasks:indicator_record"), {
        "indicator": roads.pk, "region": f.TANBA, "year": "2025", "month": "3", "value": "0.8"})
    assert ok.status_code == 302
