"""The city's editor of the eligibility rules: a new version from the page and from the API, every
refusal shown where it belongs and publishing nothing, the versions and their differences."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.review import selectors, services
from lingtouyang.review.models import Department, ReviewRound, Rule, RuleSet, Verdict
from tests import factories as f
from tests.review.conftest import Review

pytestmark = pytest.mark.django_db

EDITOR = reverse("review:rules_new")
EXTRA = 3  # empty rows to add rules


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def counts() -> tuple[int, int, int]:
    return RuleSet.objects.count(), Rule.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()


def editor_data(*, changes: dict[str, dict[str, Any]] | None = None, remove: tuple[str, ...] = (),
                add: tuple[dict[str, Any], ...] = (), effective_from: str = "2026-01-01", note: str = "",
                button: str = "publish", base_version: int | None = None) -> dict[str, Any]:
    """What the browser posts: every row of the latest version as the page shows it, with `changes`."""
    latest = RuleSet.objects.order_by("-version").first()
    rules = list(latest.rules.order_by("order", "id"))
    data: dict[str, Any] = {
        "rule-TOTAL_FORMS": len(rules), "rule-INITIAL_FORMS": len(rules), "rule-MIN_NUM_FORMS": 0,
        "rule-MAX_NUM_FORMS": 1000, "add-TOTAL_FORMS": EXTRA, "add-INITIAL_FORMS": 0, "add-MIN_NUM_FORMS": 0,
        "add-MAX_NUM_FORMS": 1000, "effective_from": effective_from, "note": note, button: "1",
        "base_version": latest.version if base_version is None else base_version,
    }
    for i, r in enumerate(rules):
        row = {"code": r.code, "text": r.text, "severity": r.severity, "department": r.department_id or "",
               "automatic": r.automatic, "parameter": "" if r.parameter is None else r.parameter,
               "applies_to": r.applies_to, "order": r.order, **(changes or {}).get(r.code, {})}
        if r.code in remove:
            row["remove"] = "on"
        data.update({f"rule-{i}-{k}": v for k, v in row.items()})
    for i in range(EXTRA):
        row = {"applies_to": "all", **(add[i] if i < len(add) else {})}
        data.update({f"add-{i}-{k}": v for k, v in row.items()})
    return data


def fieldset(page: str, code: str) -> str:
    """The HTML of one rule's row in the editor."""
    found = re.search(rf'<fieldset class="rule[^"]*" data-code="{code}">(.*?)</fieldset>', page, re.S)
    assert found, f"no row for {code}"
    return found.group(0)


def new_rows(page: str) -> list[str]:
    return re.findall(r'<fieldset class="rule new[^"]*">.*?</fieldset>', page, re.S)


# --- the page ------------------------------------------------------------------------------------


def test_only_the_city_edits_the_rules(review: Review) -> None:
    assert "review/rules/new/" in login("city").get(reverse("review:rules")).content.decode()
    for who in ("county", "luxian_police", "township"):
        assert EDITOR not in login(who).get(reverse("review:rules")).content.decode()
        assert login(who).get(EDITOR).status_code == 403
        before = counts()
        assert login(who).post(EDITOR, editor_data(changes={"A01": {"parameter": 58}})).status_code == 403
        assert counts() == before
    page = login("city").get(EDITOR).content.decode()
    assert all(f'data-code="{r.code}"' in page for r in RuleSet.objects.get(version=1).rules.all())
    assert len(new_rows(page)) == EXTRA


def test_the_editor_reads_in_a_few_queries_whatever_the_number_of_rules(review: Review,
                                                                       django_assert_max_num_queries: Any) -> None:
    city = login("city")
    # session and user, latest version, its rules, departments, the header's region, the session saved (3)
    with django_assert_max_num_queries(9):
        assert city.get(EDITOR).status_code == 200


def test_publishing_from_the_page_edits_adds_and_removes(review: Review) -> None:
    city = login("city")
    response = city.post(EDITOR, editor_data(
        changes={"A01": {"parameter": 58, "text": "书记、主任人选换届时年龄超过58周岁的"}}, remove=("B08",),
        add=({"code": "B14", "text": "不履行党员义务，经教育仍不改正的", "severity": "not_suitable",
              "department": review.court.pk, "order": 20},),
        effective_from="2026-03-01", note="市委组织部2026年1号文"))
    v2 = RuleSet.objects.get(version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("review:rules") + "?version=2&against=1"
    assert (v2.effective_from, v2.note, v2.published_by.username) == (date(2026, 3, 1), "市委组织部2026年1号文", "city")
    rules = {r.code: r for r in v2.rules.all()}
    assert rules["A01"].parameter == 58 and "58周岁" in rules["A01"].text
    assert "B08" not in rules and rules["B14"].department == review.court
    assert rules["B01"].text == RuleSet.objects.get(version=1).rules.get(code="B01").text
    assert len(rules) == RuleSet.objects.get(version=1).rules.count()  # one removed, one added
    event = AuditEvent.objects.get(action="ruleset.publish")
    assert (event.changes["edited"][1], event.changes["added"][1], event.changes["removed"][1]) == (
        ["A01"], ["B14"], ["B08"])
    # What changed, on the page the editor lands on.
    page = city.get(response["Location"]).content.decode()
    assert "Version 2 published" in page and "Changed: 1, added: 1, removed: 1" in page
    changed = re.search(r'<table id="diff-changed">.*?</table>', page, re.S).group(0)
    assert "A01" in changed and "58" in changed and "60" in changed and "B01" not in changed
    assert "B14" in re.search(r'<table id="diff-added">.*?</table>', page, re.S).group(0)
    assert "B08" in re.search(r'<table id="diff-removed">.*?</table>', page, re.S).group(0)


def test_preview_shows_the_changes_and_publishes_nothing(review: Review) -> None:
    before = counts()
    response = login("city").post(EDITOR, editor_data(changes={"B11": {"department": review.petitions.pk}},
                                                      remove=("B13",), button="preview"))
    page = response.content.decode()
    assert response.status_code == 200 and counts() == before
    assert 'id="preview"' in page and "信访" in page and "B13" in page
    assert "Nothing was published" not in page
    assert 'name="publish"' in page  # the same rows, ready to publish


@pytest.mark.parametrize("case", ["empty text", "automatic without parameter", "age limit out of range",
                                  "parameter without automatic check", "new rule without department or check",
                                  "duplicate code", "new rule without code", "bad code", "not a number",
                                  "unknown department"])
def test_bad_rows_are_refused_on_their_row(case: str, review: Review) -> None:
    changes, add, where = {}, (), None
    if case == "empty text":
        changes, where = {"B03": {"text": "   "}}, ("B03", "has no text")
    elif case == "automatic without parameter":
        changes, where = {"B07": {"automatic": "max_age"}}, ("B07", "needs a parameter")
    elif case == "age limit out of range":
        changes, where = {"A02": {"parameter": 7}}, ("A02", "between 18 and 100")
    elif case == "parameter without automatic check":
        changes, where = {"B05": {"parameter": 5}}, ("B05", "a parameter but no automatic check")
    elif case == "new rule without department or check":
        add, where = ({"code": "B20", "text": "新条件", "severity": "cannot"},), ("new", "attesting department")
    elif case == "duplicate code":
        add, where = ({"code": "B01", "text": "重复", "severity": "cannot", "department": review.court.pk},), (
            "new", "a code of its own")
    elif case == "new rule without code":
        add, where = ({"text": "没有编号", "severity": "cannot", "department": review.court.pk},), (
            "new", "a code of its own")
    elif case == "bad code":
        add, where = ({"code": "B 14", "text": "空格", "severity": "cannot", "department": review.court.pk},), (
            "new", "is not a rule code")
    elif case == "not a number":
        changes, where = {"A01": {"parameter": "六十"}}, ("A01", "whole number")
    elif case == "unknown department":
        changes, where = {"B01": {"department": 99999}}, ("B01", "valid choice")
    before = counts()
    response = login("city").post(EDITOR, editor_data(changes=changes, add=add))
    page = response.content.decode()
    assert response.status_code == 200 and counts() == before, case
    assert "Nothing was published" in page
    code, message = where
    row = new_rows(page)[0] if code == "new" else fieldset(page, code)
    assert message in row and "has-errors" in row, case
    # Only that row is marked.
    assert len(re.findall(r'<fieldset class="rule[^"]* has-errors"', page)) == 1, case


@pytest.mark.parametrize("case", ["before the current version", "nothing changed", "published meanwhile",
                                  "no date", "note too long"])
def test_bad_versions_are_refused_above_the_rows(case: str, review: Review) -> None:
    data = editor_data(changes={"A01": {"parameter": 59}})
    message = {"before the current version": "cannot take effect before the current one",
               "nothing changed": "the same as version 1", "published meanwhile": "has been published since",
               "no date": "This field is required", "note too long": "at most 200 characters"}[case]
    if case == "before the current version":
        data["effective_from"] = "2020-12-31"
    elif case == "nothing changed":
        data = editor_data()
    elif case == "published meanwhile":
        services.ruleset_publish(acting_user=None, effective_from=date(2026, 1, 1), removed=["B13"])
        data["base_version"] = 1  # the page was opened on version 1
    elif case == "no date":
        data["effective_from"] = ""
    elif case == "note too long":
        data["note"] = "长" * 201
    before = counts()
    response = login("city").post(EDITOR, data)
    page = response.content.decode()
    assert response.status_code == 200 and counts() == before, case
    assert message in page and "Nothing was published" in page, case


def test_publishing_leaves_an_open_round_and_its_verdicts_untouched(review: Review) -> None:
    review_round = review.open_round()
    candidate = review_round.candidates.order_by("id").first()
    services.verdict_record(acting_user=review.users["police"], candidate=candidate, passed=False, reason="有前科")

    def state() -> tuple[Any, ...]:
        return (ReviewRound.objects.filter(pk=review_round.pk).values_list("rule_set_id", "state").get(),
                list(Verdict.objects.filter(candidate__round=review_round).order_by("id")
                     .values_list("id", "department_id", "rule_id", "passed", "reason", "decided_at")),
                list(Rule.objects.filter(rule_set__version=1).order_by("id").values()))

    before = state()
    assert login("city").post(EDITOR, editor_data(changes={"A01": {"parameter": 55}}, remove=("B11",),
                                                  effective_from="2026-01-01")).status_code == 302
    assert RuleSet.objects.current(review_round.election_date).version == 2
    assert state() == before
    assert Verdict.objects.filter(candidate__round=review_round, department=None,
                                  rule__rule_set__version=1).count() == len(review.people) * 1


# --- the rules page: versions in force, scheduled, compared --------------------------------------


def test_the_rules_page_tells_in_force_from_scheduled_and_compares(review: Review) -> None:
    today = timezone.localdate()
    services.ruleset_publish(acting_user=None, effective_from=today, edits={"B02": {"severity": "cannot"}})
    services.ruleset_publish(acting_user=None, effective_from=today + timedelta(days=30), removed=["B13"],
                             note="下月施行")
    police = login("luxian_police")
    page = police.get(reverse("review:rules")).content.decode()
    standing = dict(re.findall(r'data-version="(\d+)" data-standing="(\w+)"', page))
    assert standing == {"1": "superseded", "2": "in_force", "3": "scheduled"}
    assert "In force today: version 2" in page and "Version 3 takes effect on" in page
    compared = police.get(reverse("review:rules"), {"version": "3", "against": "1"}).content.decode()
    assert "From version 1 to version 3" in compared
    assert "B02" in re.search(r'<table id="diff-changed">.*?</table>', compared, re.S).group(0)
    assert "B13" in re.search(r'<table id="diff-removed">.*?</table>', compared, re.S).group(0)
    assert 'id="diff-added"' not in compared
    # A version that does not exist is simply not compared.
    assert 'id="diff"' not in police.get(reverse("review:rules"), {"against": "99"}).content.decode()


def test_rule_versions_and_differences() -> None:
    today = date(2026, 5, 1)
    v1 = RuleSet.objects.get(version=1)
    police = Department.objects.get(name="公安")
    v2 = services.ruleset_publish(acting_user=None, effective_from=today, removed=["B13"],
                                  edits={"A01": {"parameter": 58}, "B01": {"department": police}},
                                  added=[{"code": "C01", "severity": "cannot", "text": "新", "department": police}])
    v3 = services.ruleset_publish(acting_user=None, effective_from=today + timedelta(days=1),
                                  edits={"B02": {"text": "改"}})
    assert [(v.rule_set.version, v.standing) for v in selectors.rule_versions(today)] == [
        (3, selectors.SCHEDULED), (2, selectors.IN_FORCE), (1, selectors.SUPERSEDED)]
    assert [v.standing for v in selectors.rule_versions(today - timedelta(days=1))] == [
        selectors.SCHEDULED, selectors.SCHEDULED, selectors.IN_FORCE]
    diff = selectors.ruleset_diff(v1, v2)
    assert {c.code: [(x.field, x.before, x.after) for x in c.fields] for c in diff.changed} == {
        "A01": [("parameter", 60, 58)], "B01": [("department", "法院", "公安")]}
    assert [r.code for r in diff.added] == ["C01"] and [r.code for r in diff.removed] == ["B13"]
    assert diff.added[0].order == max(r.order for r in v1.rules.all()) + 1  # not placed: comes last
    assert selectors.ruleset_diff(v2, v2).empty
    back = selectors.ruleset_diff(v3, v1)  # either way round
    assert {r.code for r in back.added} == {"B13"} and {r.code for r in back.removed} == {"C01"}
    assert {c.code for c in back.changed} == {"A01", "B01", "B02"}


def test_ruleset_check_publishes_nothing_and_publish_refuses_what_it_refuses(review: Review) -> None:
    before = counts()
    latest, rules = services.ruleset_check(effective_from=date(2026, 1, 1), removed=["B01"])
    assert latest.version == 1 and "B01" not in {r.code for r in rules} and counts() == before
    with pytest.raises(ValidationError) as exc:
        services.ruleset_publish(acting_user=review.users["city"], effective_from=date(2026, 1, 1),
                                 edits={"B01": {"text": ""}, "B02": {"text": ""}})
    assert [(e.params["rule"], e.params["field"]) for e in exc.value.error_dict["rules"]] == [
        ("B01", "text"), ("B02", "text")]  # every bad row, not only the first, each naming its rule
    assert counts() == before


# --- the API --------------------------------------------------------------------------------------

PUBLISH = reverse("api:ruleset-publish")


def test_the_api_publishes_a_version(review: Review) -> None:
    city = login("city")
    response = city.post(PUBLISH, {
        "effective_from": "2026-02-01", "note": "接口发布", "base_version": 1,
        "edits": [{"code": "A01", "parameter": 58}, {"code": "B11", "department": "信访"}],
        "added": [{"code": "C01", "severity": "cannot", "text": "新增条件", "department": "法院", "order": 30}],
        "removed": ["B13"]}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["note"] == "接口发布"
    rules = {r["code"]: r for r in body["rules"]}
    assert rules["A01"]["parameter"] == 58 and rules["B11"]["department"] == "信访"
    assert rules["C01"]["department"] == "法院" and "B13" not in rules
    assert AuditEvent.objects.filter(action="ruleset.publish", actor__username="city").count() == 1


@pytest.mark.parametrize(("body", "message"), [
    ({"edits": [{"code": "A01", "automatic": "max_age", "parameter": None}]}, "needs a parameter"),
    ({"edits": [{"code": "B01", "department": "不存在的部门"}]}, "does not exist"),
    ({"edits": [{"code": "B01", "text": "a"}, {"code": "B01", "text": "b"}]}, "edited at most once"),
    ({"edits": [{"code": "ZZ9", "text": "a"}]}, "no such rule"),
    ({"added": [{"code": "B02", "severity": "cannot", "text": "重复", "department": "法院"}]}, "a code of its own"),
    ({"removed": ["B01"], "effective_from": "2020-01-01"}, "before the current one"),
    ({"removed": ["B01"], "base_version": 7}, "has been published since"),
    ({}, "the same as version 1"),
    ({"removed": ["B01"], "effective_from": "tomorrow"}, "Date has wrong format"),
])
def test_the_api_refuses_bad_input_with_a_message(body: dict[str, Any], message: str, review: Review) -> None:
    before = counts()
    response = login("city").post(PUBLISH, {"effective_from": "2026-02-01", **body}, content_type="application/json")
    assert response.status_code == 400 and message in response.content.decode(), response.content
    assert counts() == before


def test_the_api_publish_is_for_the_city_and_in_the_schema(review: Review) -> None:
    before = counts()
    for who in ("county", "luxian_police", "township", "village"):
        response = login(who).post(PUBLISH, {"effective_from": "2026-02-01", "removed": ["B01"]},
                                   content_type="application/json")
        assert response.status_code == 403, who
    assert Client().post(PUBLISH, {"effective_from": "2026-02-01", "removed": ["B01"]},
                         content_type="application/json").status_code in (401, 403)
    assert counts() == before
    schema = Client().get(reverse("api:schema")).content.decode()
    assert "/api/v1/rule-sets/publish/" in schema and "PublishInput" in schema


def test_two_publishers_racing_on_the_same_version_the_second_is_refused(review: Review, monkeypatch: Any) -> None:
    """Both read version 1; the first publishes version 2; the second, still on 1, must not overwrite it."""
    v1 = RuleSet.objects.get(version=1)
    stale = services.ruleset_check(effective_from=date(2026, 1, 1), removed=["B01"])
    services.ruleset_publish(acting_user=review.users["city"], effective_from=date(2026, 1, 1), removed=["B13"])
    monkeypatch.setattr(services, "ruleset_check", lambda **kwargs: stale)
    before = counts()
    with pytest.raises(ValidationError, match="has been published since"):
        services.ruleset_publish(acting_user=review.users["city"], effective_from=date(2026, 1, 1), removed=["B01"])
    assert counts() == before and stale[0] == v1
    assert RuleSet.objects.get(version=2).rules.filter(code="B01").exists()
