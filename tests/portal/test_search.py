"""Search by name, pinyin, pinyin initials, within a county or township; bounded; bad input refused."""

import pytest

from lingtouyang.portal.selectors import SEARCH_LIMIT, clean_term, search_villages
from lingtouyang.regions.models import Region
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_name_pinyin_and_initials_find_the_village():
    tanba = Region.objects.get(code=f.TANBA)
    for term in (tanba.short_name, tanba.short_name[:2], tanba.pinyin, tanba.pinyin[:4], tanba.initials,
                 tanba.initials.upper(), " " + tanba.initials + " "):
        found = search_villages(term, "510521102")
        assert f.TANBA in [p.code for p in found], term
    place = next(p for p in search_villages(tanba.initials, "510521102") if p.code == f.TANBA)
    assert place.township == "喻寺镇" and place.county == "泸县"


def test_only_villages_and_within_the_region():
    found = search_villages("y", "510521")
    assert found and all(p.code.startswith("510521") for p in found)
    assert all(Region.objects.get(code=p.code).level == 5 for p in found)
    assert search_villages("喻寺") == [] or all(Region.objects.get(code=p.code).level == 5 for p in search_villages("喻寺"))


def test_bounded_and_ordered_by_index():
    found = search_villages("s")
    assert len(found) == SEARCH_LIMIT
    initials = [Region.objects.get(code=p.code).initials for p in found]
    assert initials == sorted(initials)


@pytest.mark.parametrize("term", ["", "   ", "a-b", "510521", "x" * 500, "'; drop table regions_region; --", "%", "_"])
def test_odd_terms_find_nothing_or_stay_bounded(term):
    assert len(search_villages(term)) <= SEARCH_LIMIT
    assert Region.objects.filter(code=f.TANBA).exists()


def test_like_wildcards_in_a_name_are_literal():
    assert search_villages("谭%") == [] and search_villages("谭_村") == []
    assert search_villages("谭坝", "510521102")


def test_clean_term():
    assert clean_term(" Tan Ba ") == "tanba"
    assert clean_term("xi'an") == "xian"
    assert len(clean_term("x" * 500)) == 40


def test_json_and_html_endpoints(client):
    tanba = Region.objects.get(code=f.TANBA)
    data = client.get("/open/search.json", {"q": tanba.initials, "region": f.YUSI}).json()
    assert any(r["code"] == f.TANBA and r["url"] == f"/open/v/{f.TANBA}/" for r in data["results"])
    page = client.get("/open/search/", {"q": tanba.short_name, "region": "510521000000"})
    assert page.status_code == 200 and tanba.short_name in page.content.decode()
    # A region that is not a county or township is refused with a message, not silently widened.
    bad = client.get("/open/search.json", {"q": "t", "region": f.TANBA})
    assert bad.status_code == 400 and bad.json()["results"] == [] and bad.json()["error"]
    assert "error" in client.get("/open/search/", {"q": "t", "region": "12345"}).content.decode()
    assert client.post("/open/search.json", {"q": "t"}).status_code == 405
