"""Pre-rendered pages: written when a village publishes, served as files, published data only."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from lingtouyang.disclosure import services
from lingtouyang.disclosure.models import Disclosure, LedgerEntry
from lingtouyang.portal import render
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.disclosure.conftest import draft, publish

pytestmark = pytest.mark.django_db


def _publish(users, django_capture_on_commit_callbacks, d: Disclosure) -> Disclosure:
    with django_capture_on_commit_callbacks(execute=True):
        return publish(users, d)


def test_publication_renders_the_village_newest_first(users, django_capture_on_commit_callbacks, portal_dir: Path):
    q1 = _publish(users, django_capture_on_commit_callbacks, draft(users["village"], start=date(2026, 1, 1)))
    q2 = _publish(users, django_capture_on_commit_callbacks,
                  draft(users["village"], start=date(2026, 4, 1), title="2026年第二季度工作计划"))
    waiting = draft(users["village"], start=date(2026, 7, 1), title="尚未审核的计划")
    page = (portal_dir / "v" / f.TANBA / "index.html").read_text()
    detail = (portal_dir / "v" / f.TANBA / "d" / str(q1.pk) / "index.html").read_text()
    assert page.index("2026年第二季度工作计划") < page.index("2026年第一季度工作计划")
    assert "尚未审核的计划" not in page
    for d in (q1, q2):
        assert (portal_dir / "v" / f.TANBA / "d" / str(d.pk) / "index.html").is_file()
    assert not (portal_dir / "v" / f.TANBA / "d" / str(waiting.pk)).exists()
    assert LedgerEntry.objects.get(disclosure=q1).content_hash in detail
    assert "<script>" not in page and "csrf" not in page.lower()  # no inline script, nothing per visitor
    # Residents ask about the village, and about one disclosure, on the oversight app's public pages.
    assert render.oversight_url("ask", f.TANBA) and render.oversight_url("ask", f.TANBA) in page
    assert render.oversight_url("ask_about", q1.pk) in detail
    poster = (portal_dir / "v" / f.TANBA / "poster" / "index.html").read_text()
    assert "<svg" in poster and f"/open/v/{f.TANBA}/" in poster
    # No temporary file is left behind by the atomic writes.
    assert not list(portal_dir.rglob(".tmp-*"))


def test_finance_and_correction(users, django_capture_on_commit_callbacks, portal_dir: Path):
    finance = _publish(users, django_capture_on_commit_callbacks, draft(users["village"], code="F01"))
    page = (portal_dir / "v" / f.TANBA / "d" / str(finance.pk) / "index.html").read_text()
    assert "上级补助" in page and "500.50" in page and "1150.50" in page
    fix = services.correction_create(acting_user=users["village"], disclosure=finance, reason="办公费金额有误",
                                     closing_balance="1160.50",
                                     lines=[{"kind": "income", "subject": "上级补助", "amount": "500.50"},
                                            {"kind": "expense", "subject": "办公费", "amount": "340.00"}])
    fix = _publish(users, django_capture_on_commit_callbacks, fix)
    village = (portal_dir / "v" / f.TANBA / "index.html").read_text()
    assert f"/d/{fix.pk}/" in village and f"/d/{finance.pk}/" not in village
    old = (portal_dir / "v" / f.TANBA / "d" / str(finance.pk) / "index.html").read_text()
    assert f"/d/{fix.pk}/" in old  # the replaced version points at the latest
    new = (portal_dir / "v" / f.TANBA / "d" / str(fix.pk) / "index.html").read_text()
    assert "办公费金额有误" in new and "340.00" in new


def test_masked_tables_render_as_stored(users, django_capture_on_commit_callbacks, portal_dir: Path):
    from lingtouyang.disclosure.models import CatalogueItem

    code = CatalogueItem.objects.filter(region_code="510500000000", has_personal_data=True,
                                        is_finance=False).values_list("code", flat=True).first()
    if code is None:
        pytest.skip("no catalogue item lists residents")
    number = f.id_number("510521", date(1960, 5, 6))
    table = {"title": "低保对象", "columns": [{"label": "姓名", "kind": "name"}, {"label": "身份证号", "kind": "id_number"},
                                             {"label": "电话", "kind": "phone"}],
             "rows": [["李大爷", number, "13900001111"]]}
    d = _publish(users, django_capture_on_commit_callbacks, draft(users["village"], code=code, tables=[table]))
    page = (portal_dir / "v" / f.TANBA / "d" / str(d.pk) / "index.html").read_text()
    assert "李大爷" in page and number not in page and "13900001111" not in page
    assert number[:6] in page  # masked: the ends only


def test_served_pages_and_lazy_rendering(client, users, django_capture_on_commit_callbacks):
    other = Region.objects.get(code=f.OTHER_YUSI_VILLAGE)
    # Never rendered: the first request renders and serves it.
    response = client.get(f"/open/v/{other.code}/")
    assert response.status_code == 200 and other.name in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert client.get("/open/").status_code == 200
    assert "泸县" in client.get("/open/").content.decode()
    assert "喻寺镇" in client.get("/open/r/510521000000/").content.decode()
    assert other.short_name in client.get(f"/open/r/{f.YUSI}/").content.decode()
    assert client.get(f"/open/v/{other.code}/poster/").status_code == 200
    # Codes that are no village (a township's, a malformed one) are not pages.
    assert client.get(f"/open/v/{f.YUSI}/").status_code == 404
    assert client.get("/open/v/51052110223/").status_code == 404
    assert client.get(f"/open/r/{f.TANBA}/").status_code == 404
    assert client.post(f"/open/v/{other.code}/").status_code == 405


def test_unpublished_or_other_villages_disclosure_is_refused(client, users, django_capture_on_commit_callbacks,
                                                             portal_dir: Path):
    published = _publish(users, django_capture_on_commit_callbacks, draft(users["village"]))
    waiting = draft(users["village"], start=date(2026, 4, 1))
    services.disclosure_submit(acting_user=users["village"], disclosure=waiting)
    services.disclosure_review(acting_user=users["supervisor"], disclosure=waiting)
    services.disclosure_approve(acting_user=users["township"], disclosure=waiting)  # approved, not published
    assert client.get(f"/open/v/{f.TANBA}/d/{published.pk}/").status_code == 200
    for url in (f"/open/v/{f.TANBA}/d/{waiting.pk}/", f"/open/v/{f.OTHER_YUSI_VILLAGE}/d/{published.pk}/",
                f"/open/v/{f.TANBA}/d/999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "尚未" not in response.content.decode() and published.body not in response.content.decode()
    assert not (portal_dir / "v" / f.OTHER_YUSI_VILLAGE / "d").exists()
    # The lazily rendered page of a deleted file comes back.
    (portal_dir / "v" / f.TANBA / "d" / str(published.pk) / "index.html").unlink()
    assert client.get(f"/open/v/{f.TANBA}/d/{published.pk}/").status_code == 200


def test_verification_page(client, users, django_capture_on_commit_callbacks):
    a = _publish(users, django_capture_on_commit_callbacks, draft(users["village"]))
    b = _publish(users, django_capture_on_commit_callbacks, draft(users["village"], start=date(2026, 4, 1)))
    entry = LedgerEntry.objects.get(disclosure=b)
    page = client.get(f"/open/verify/{f.TANBA}/").content.decode()
    assert "完好" in page or "Intact" in page
    found = client.get(f"/open/verify/{f.TANBA}/", {"hash": entry.content_hash.upper()}).content.decode()
    assert f"/d/{b.pk}/" in found
    # Malformed and forged hashes: a clear message, nothing changes.
    before = list(LedgerEntry.objects.order_by("pk").values_list("pk", "entry_hash"))
    for bad in ("xyz", "0" * 63, "<script>alert(1)</script>"):
        response = client.get(f"/open/verify/{f.TANBA}/", {"hash": bad})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
        assert "<script>alert" not in response.content.decode()
    forged = client.get(f"/open/verify/{f.TANBA}/", {"hash": "ab" * 32}).content.decode()
    assert 'id="hash-error"' in forged
    assert client.post(f"/open/verify/{f.TANBA}/", {"hash": "ab" * 32}).status_code == 405
    assert list(LedgerEntry.objects.order_by("pk").values_list("pk", "entry_hash")) == before
    # Altered behind the system's back: the page names the entry.
    with connection.cursor() as cur:
        cur.execute("UPDATE disclosure_disclosure SET body = %s WHERE id = %s", ["被篡改", a.pk])
    altered = client.get(f"/open/verify/{f.TANBA}/").content.decode()
    assert 'class="verdict bad"' in altered and str(a.pk) in altered
    assert client.get(f"/open/verify/{f.YUSI}/").status_code == 404


def test_render_portal_command(users, django_capture_on_commit_callbacks, portal_dir: Path, capsys):
    _publish(users, django_capture_on_commit_callbacks, draft(users["village"]))
    call_command("render_portal", "--region", "510521102")
    assert "villages rendered" in capsys.readouterr().out
    assert (portal_dir / "index.html").is_file() and (portal_dir / "r" / f.YUSI / "index.html").is_file()
    villages = {p.name for p in (portal_dir / "v").iterdir()}
    assert f.TANBA in villages and all(code.startswith("510521102") for code in villages)
    assert not (portal_dir / "v" / f.OTHER_YUSI_VILLAGE / "poster").exists()  # left to the first request
    call_command("render_portal", "--region", f.OTHER_YUSI_VILLAGE, "--posters")
    assert (portal_dir / "v" / f.OTHER_YUSI_VILLAGE / "poster" / "index.html").is_file()
    with pytest.raises(Exception, match="prefix"):
        call_command("render_portal", "--region", "abc")


def test_render_failure_does_not_raise(monkeypatch, caplog):
    monkeypatch.setattr(render, "_render_village", lambda code: 1 / 0)
    render.render_village(f.TANBA)
    assert "rendering village" in caplog.text


def test_a_rebuild_without_pages_leaves_each_disclosure_to_its_first_request(
        client, users, django_capture_on_commit_callbacks, portal_dir: Path):
    d = _publish(users, django_capture_on_commit_callbacks, draft(users["village"]))
    page = render.disclosure_path(f.TANBA, d.pk)
    page.unlink()
    render.village_path(f.TANBA).unlink()
    assert render.render_all("510521102", pages=False) >= 1
    assert render.village_path(f.TANBA).is_file() and d.title in render.village_path(f.TANBA).read_text()
    assert not page.exists()
    response = client.get(f"/open/v/{f.TANBA}/d/{d.pk}/")
    assert response.status_code == 200 and d.title in response.content.decode()
    assert page.is_file()
