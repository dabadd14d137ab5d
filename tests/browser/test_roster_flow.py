"""A township officer's day in a real browser: log in, fetch the template, import a roster, see the
village's two committees and the township's charts, drill down; a bad file; the language button;
a phone-sized screen. Assertions avoid UI wording where the Chinese catalogue may still be missing."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lingtouyang.people import roster_format as fmt
from lingtouyang.people import services
from lingtouyang.people.codes import Gender
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from tests import factories
from tests.browser.conftest import log_in, new_page

pytestmark = pytest.mark.browser

TANBA = factories.TANBA  # 谭坝村, in 喻寺镇
YUSI = factories.YUSI
DUAL = "党组织书记、村委会主任"

# name, gender, born, posts: the secretary who also directs the villagers' committee (一肩挑) and two more.
PEOPLE = [
    ("马仕彬", Gender.MALE, date(1979, 6, 12), DUAL),
    ("谭晓燕", Gender.FEMALE, date(1990, 2, 3), "村委会委员"),
    ("刘德春", Gender.MALE, date(1968, 11, 20), "监委会主任"),
]


def _row(name: str, gender: str, born: date, posts: str, seq: int) -> list[Any]:
    return [name, "男" if gender == Gender.MALE else "女", "汉族",
            factories.id_number("510521", born, gender, seq=seq), born.isoformat(), "中共党员", "大学专科",
            TANBA, posts, "2021-03-15", "13800000000", "优秀农民工"]


def _fill(template: Path, rows: list[list[Any]], out: Path) -> Path:
    """Fill the downloaded template as a township officer would: the data sheet, below the headers."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    book.save(out)
    return out


def _download_template(page: Any, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.click("a[href$='/import/template.xlsx']")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert zipfile.is_zipfile(path), "the template is not an .xlsx (zip) file"
    headers = [c.value for c in openpyxl.load_workbook(path, read_only=True).worksheets[0][1]]
    assert headers == fmt.HEADERS
    return path


def _upload(page: Any, path: Path) -> Any:
    page.set_input_files("input[type=file]", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/people/import/\d+/$"))
    return page.locator("#job-card")


def _has_number(text: str, n: int) -> bool:
    return re.search(rf"(?<!\d){n}(?!\d)", text) is not None


def test_officer_imports_a_roster_and_sees_it(page, officer, tmp_path) -> None:  # noqa: ANN001
    log_in(page, officer.username)
    assert page.url.endswith(f"/regions/{YUSI}/"), "after logging in, the officer lands on their township"

    page.click(".main-nav a[href='/people/import/']")
    page.wait_for_url("**/people/import/")
    template = _download_template(page, tmp_path)

    rows = [_row(*person, seq=100 + i) for i, person in enumerate(PEOPLE)]
    card = _upload(page, _fill(template, rows, tmp_path / "谭坝村花名册.xlsx"))
    assert card.get_attribute("data-status") == "done"
    result = page.inner_text("#import-result")
    assert _has_number(result, len(PEOPLE)), result
    assert Person.objects.filter(region_id=TANBA).count() == len(PEOPLE)

    # The village: its two committees, the 一肩挑 marked.
    page.goto(f"/regions/{TANBA}/")
    roster = page.locator("#roster tbody tr")
    assert roster.count() == len(PEOPLE)
    secretary = roster.filter(has_text="马仕彬")
    assert secretary.locator(".tag").inner_text().strip() == "一肩挑"
    assert roster.filter(has_text="谭晓燕").locator(".tag").count() == 0

    # The township: structure charts drawn (ECharts puts an <svg> in each chart), then drill down.
    page.goto(f"/regions/{YUSI}/")
    page.wait_for_selector("#chart-age svg", state="attached")
    for chart in ("#chart-age", "#chart-edu", "#chart-source", "#chart-gender", "#chart-children"):
        assert page.locator(f"{chart} svg").count() == 1, f"{chart} was not drawn"
    box = page.locator("#chart-age").bounding_box()
    assert box and box["width"] > 200 and box["height"] > 150
    tanba_row = page.locator("#children tbody tr").filter(has=page.locator(f"a[href='/regions/{TANBA}/']"))
    assert _has_number(tanba_row.locator("td.num").first.inner_text(), len(PEOPLE))
    tanba_row.locator("a").click()
    page.wait_for_url(f"**/regions/{TANBA}/")
    assert page.locator("#roster tbody tr").count() == len(PEOPLE)


def test_bad_file_lists_the_problems_and_imports_nothing(page, officer, tmp_path) -> None:  # noqa: ANN001
    log_in(page, officer.username)
    page.goto("/people/import/")
    template = _download_template(page, tmp_path)
    good = _row(*PEOPLE[0], seq=200)
    bad_id = _row(*PEOPLE[1], seq=201)
    bad_id[3] = bad_id[3][:-1] + ("0" if bad_id[3][-1] != "0" else "1")  # check character mistyped
    bad_date = _row(*PEOPLE[2], seq=202)
    bad_date[9] = "去年春天"  # a start date nobody can read
    no_name = _row("", Gender.MALE, date(1985, 1, 1), "村委会委员", seq=203)
    card = _upload(page, _fill(template, [good, bad_id, bad_date, no_name], tmp_path / "bad.xlsx"))

    assert card.get_attribute("data-status") == "failed"
    problems = page.locator("#import-problems li").all_inner_texts()
    assert len(problems) >= 3, problems
    joined = "\n".join(problems)
    # The column names are the format's own (Chinese in every language); rows as Excel numbers them.
    assert fmt.ID_NUMBER in joined and fmt.START_DATE in joined and fmt.NAME in joined, joined
    assert all(_has_number(joined, row) for row in (3, 4, 5)), joined
    assert _has_number(page.inner_text("#import-result"), len(problems))
    assert Person.objects.count() == 0 and Appointment.objects.count() == 0


def test_language_button_switches_to_english_and_back(page, officer) -> None:  # noqa: ANN001
    log_in(page, officer.username)
    page.goto(f"/regions/{TANBA}/")
    assert page.get_attribute("html", "lang") == "zh-hans"

    page.click("form.lang button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.url.endswith(f"/regions/{TANBA}/"), "switching language keeps the page"
    nav = page.locator(".main-nav").inner_text().split()
    assert {"Regions", "Roster", "Import"} <= set(nav), nav
    assert "Two committees in office" in page.inner_text("main")
    page.goto("/people/import/")  # the choice sticks across pages
    assert page.get_attribute("html", "lang") == "en"

    page.click("form.lang button[value=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.url.endswith("/people/import/")
    assert page.locator("form.lang button[value=en]").inner_text() == "English"


def _tanba_team() -> None:
    village = Region.objects.get(code=TANBA)
    for i, (name, gender, born, posts) in enumerate(PEOPLE):
        person = factories.make_person(TANBA, name=name, gender=gender, born=born,
                                       id_number=factories.id_number("510521", born, gender, seq=300 + i))
        for post in {"党组织书记": "party_secretary", "村委会主任": "village_director", "村委会委员": "village_member",
                     "监委会主任": "supervision_chair"}.items():
            if post[0] in posts.split("、"):
                services.appointment_create(acting_user=None, person=person, region=village, post=post[1],
                                            start_date=date(2021, 3, 15))


def test_phone_screen_login_and_village_page(browser, server, officer) -> None:  # noqa: ANN001
    _tanba_team()
    page = new_page(browser, server, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page.goto("/login/")
        # The form fits the screen: every field and the button inside 375 px, big enough to tap.
        for selector in ("#id_username", "#id_password", ".login button[type=submit]"):
            box = page.locator(selector).bounding_box()
            assert box is not None, selector
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (selector, box)
            assert box["height"] >= 30, (selector, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("#id_username").tap()
        page.keyboard.type(officer.username)
        page.locator("#id_password").tap()
        page.keyboard.type(factories.PASSWORD)
        page.locator(".login button[type=submit]").tap()
        page.wait_for_url(f"**/regions/{YUSI}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

        page.goto(f"/regions/{TANBA}/")
        assert page.locator("#roster tbody tr").count() == len(PEOPLE)
        assert page.locator("#roster .tag").inner_text().strip() == "一肩挑"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the village page scrolls sideways: {width}px wide"
        # The wide table scrolls inside its own box instead.
        wrap = page.locator(".table-wrap:has(#roster)")
        assert wrap.evaluate("e => e.getBoundingClientRect().right") <= 375
        page.wait_for_selector("#chart-age svg", state="attached")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        page.context.close()
