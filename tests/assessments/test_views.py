"""The assessment pages: the scheme, the township's grid and import, the workflow, a cadre's own page."""

from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lingtouyang.assessments.models import Appeal, Result, ResultState, Scheme, Score
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.assessments.helpers import YEAR, cadres, components, enter, make_scheme

pytestmark = pytest.mark.django_db


def client(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user)
    return c


def test_the_county_defines_a_scheme_and_its_components(users: dict) -> None:
    c = client(users["county"])
    response = c.post(reverse("assessments:scheme_create"), {
        "year": YEAR, "weight_regular": 30, "weight_special": 30, "weight_annual": 50, "band_excellent": 90,
        "band_competent": 75, "band_basic": 60, "excellent_cap": 20})
    assert response.status_code == 200 and not Scheme.objects.exists()  # 110: refused with the reason
    response = c.post(reverse("assessments:scheme_create"), {
        "year": YEAR, "weight_regular": 30, "weight_special": 20, "weight_annual": 50, "band_excellent": 90,
        "band_competent": 75, "band_basic": 60, "excellent_cap": 20})
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and scheme.region_id == "510521000000"
    response = c.post(reverse("assessments:components", args=[scheme.pk]), {"kind": "special", "name": "防汛"})
    assert response.status_code == 200 and not scheme.components.exists()
    c.post(reverse("assessments:components", args=[scheme.pk]), {"kind": "special", "name": "防汛", "task": "防汛救灾"})
    assert scheme.components.get().task == "防汛救灾"
    assert client(users["township"]).get(reverse("assessments:scheme", args=[scheme.pk])).status_code == 200
    assert client(users["township"]).get(reverse("assessments:scheme_edit", args=[scheme.pk])).status_code in (403, 404)


def test_the_grid_saves_all_or_nothing(users: dict) -> None:
    scheme = make_scheme()
    people = cadres(2)
    comp = components(scheme)[0]
    url = reverse("assessments:grid", args=[scheme.pk, f.YUSI, comp.pk])
    c = client(users["township"])
    page = c.get(url)
    assert page.status_code == 200 and people[0].name in page.content.decode()
    response = c.post(url, {f"s{people[0].pk}": "88.5", f"s{people[1].pk}": "120"})
    assert response.status_code == 400 and not Score.objects.exists()
    response = c.post(url, {f"s{people[0].pk}": "88.5", f"s{people[1].pk}": "70"})
    assert response.status_code == 302
    assert sorted(Score.objects.values_list("points", flat=True)) == [7000, 8850]
    assert Result.objects.filter(year=YEAR).count() == 2  # the township's results exist, incomplete
    other = reverse("assessments:grid", args=[scheme.pk, "510521103000", comp.pk])
    assert c.get(other).status_code == 404


def _xlsx(path: Path, rows: list[list]) -> bytes:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["身份证号", "考核项目", "分数"])
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return path.read_bytes()


def test_import_previews_refused_rows_then_saves_the_clean_ones(users: dict, tmp_path: Path, upload_dir: Path) -> None:
    scheme = make_scheme()
    plain = f.id_number("510521")
    f.make_appointment(f.make_person(f.TANBA, name="李四", id_number=plain))
    data = _xlsx(tmp_path / "s.xlsx", [[plain, "第一季度", 91], [plain, "第九季度", 80], [plain, "年度考核", 101],
                                       ["123", "年度考核", 80]])
    c = client(users["township"])
    url = reverse("assessments:import", args=[scheme.pk, f.YUSI])
    response = c.post(url, {"file": SimpleUploadedFile("scores.xlsx", data)})
    text = response.content.decode()
    assert response.status_code == 200 and 'id="refused-count">3<' in text and 'id="clean-count">1<' in text
    assert not Score.objects.exists()
    response = c.post(reverse("assessments:import_confirm", args=[scheme.pk, f.YUSI]))
    assert response.status_code == 302 and Score.objects.get().points == 9100


def test_a_formula_file_is_refused_unread(users: dict, tmp_path: Path, upload_dir: Path) -> None:
    scheme = make_scheme()
    cadres(1)
    book = xlsxwriter.Workbook(str(tmp_path / "f.xlsx"))
    book.add_worksheet().write_formula(1, 0, "=1+1")
    book.close()
    response = client(users["township"]).post(reverse("assessments:import", args=[scheme.pk, f.YUSI]),
                                              {"file": SimpleUploadedFile("f.xlsx", (tmp_path / "f.xlsx").read_bytes())})
    assert response.status_code == 400 and not Score.objects.exists()


def test_workflow_through_the_pages_and_the_cadres_own_view(users: dict) -> None:
    scheme = make_scheme(cap=100)
    people = cadres(2)
    enter(scheme, people, 80)
    t, county = client(users["township"]), client(users["county"])
    url = reverse("assessments:transition", args=[scheme.pk, f.YUSI])
    assert t.post(url, {"action": "approve"}).status_code == 200  # refused, shown on the page
    assert t.post(url, {"action": "submit"}).status_code == 302
    assert county.post(url, {"action": "approve"}).status_code == 302
    assert county.post(url, {"action": "publish"}).status_code == 302
    assert set(Result.objects.values_list("state", flat=True)) == {ResultState.PUBLISHED}
    cadre = f.make_user("cadre_page", "village_cadre", f.TANBA, person=people[0])
    me = client(cadre)
    page = me.get(reverse("assessments:mine")).content.decode()
    assert people[0].name in page and people[1].name not in page
    theirs = Result.objects.get(person=people[1])
    assert me.post(reverse("assessments:appeal_file", args=[theirs.pk]), {"reason": "x"}).status_code == 404
    mine = Result.objects.get(person=people[0])
    assert me.post(reverse("assessments:appeal_file", args=[mine.pk]), {"reason": "季度分数有误"}).status_code == 302
    appeal = Appeal.objects.get()
    assert county.post(reverse("assessments:appeal_decide", args=[appeal.pk]),
                       {"grade": "competent", "reason": "维持"}).status_code == 302
    assert Appeal.objects.get().state == "upheld"


def test_results_out_of_scope_are_not_found(users: dict) -> None:
    scheme = make_scheme()
    enter(scheme, cadres(1), 80)
    result = Result.objects.get()
    gulin = f.make_user("gulin_a", "county_admin", f.GULIN)
    assert client(gulin).get(reverse("assessments:result", args=[result.pk])).status_code == 404
    assert client(users["county"]).get(reverse("assessments:result", args=[result.pk])).status_code == 200
    assert client(gulin).get(reverse("assessments:township", args=[scheme.pk, f.YUSI])).status_code == 404


def test_export_and_chart(users: dict) -> None:
    scheme = make_scheme()
    enter(scheme, cadres(1), 80)
    response = client(users["county"]).get(reverse("assessments:export", args=[scheme.pk]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert client(users["city"]).get(reverse("assessments:home") + f"?year={YEAR}").status_code == 200
    assert Region.objects.filter(code=f.YUSI).exists()
