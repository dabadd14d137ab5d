"""CSRF on every form: no view of the project is exempt from Django's check except those listed here with the
reason; the API's exemptions are DRF's, whose session authentication checks the token itself. A POST without
the token is refused with 403, logged, and changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authentication import BasicAuthentication, SessionAuthentication, TokenAuthentication

from lingtouyang.audit.models import AuditEvent
from lingtouyang.disclosure.models import Disclosure
from lingtouyang.people.models import Person
from tests import factories as f
from tests.disclosure.conftest import item

# Django views allowed to skip the CSRF check, each with its reason.
EXEMPT = {
    "portal:counter": "the visitor counter, called by a pre-rendered page that carries no token; it changes "
                      "nothing but the count",
}
# Authentication that does not ride on a cookie the browser sends by itself: no CSRF to fear.
NOT_AMBIENT = (TokenAuthentication, BasicAuthentication)
SAFE = {"get", "head", "options", "trace"}


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, ":".join(filter(None, [namespace, p.namespace])), prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield (":".join(filter(None, [namespace, p.name])) if p.name else prefix + str(p.pattern)), p.callback


def _drf_problem(name: str, view: Any) -> str:
    cls = view.cls
    methods = set(view.actions) if getattr(view, "actions", None) else {
        m for m in cls.http_method_names if hasattr(cls, m)}
    auths = list(cls.authentication_classes)
    if not auths:
        unsafe = methods - SAFE
        return f"{name}: no authentication but accepts {sorted(unsafe)}" if unsafe else ""
    for auth in auths:
        if issubclass(auth, SessionAuthentication):
            if auth.enforce_csrf is not SessionAuthentication.enforce_csrf:
                return f"{name}: {auth.__name__} changes the session authentication's CSRF check"
        elif not issubclass(auth, NOT_AMBIENT):
            return f"{name}: {auth.__name__} may authenticate by cookie without a CSRF check"
    return ""


def test_no_view_skips_the_csrf_check_unlisted() -> None:
    problems, seen = [], set()
    for name, view in _walk(get_resolver().url_patterns):
        if not getattr(view, "csrf_exempt", False):
            continue
        if hasattr(view, "cls"):  # DRF: exempt from Django's check, its session authentication checks instead
            problems.append(_drf_problem(name, view))
        elif name in EXEMPT:
            seen.add(name)
        else:
            problems.append(f"{name} is csrf_exempt: remove that, or list it in EXEMPT with the reason")
    assert [p for p in problems if p] == []
    assert seen == set(EXEMPT), "EXEMPT lists a view that is no longer exempt"


def _recorded_changes(after: int) -> list[str]:
    """Audit rows since `after` that record a change (a refusal may itself be audited as denied)."""
    return list(AuditEvent.objects.filter(id__gt=after).exclude(outcome="denied").values_list("action", flat=True))


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True, headers={"accept-language": "en"})


@pytest.mark.django_db
def test_a_login_without_the_token_is_refused(users: dict, caplog: Any) -> None:
    client = _csrf_client()
    before = _last_id()
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post(reverse("login"), {"username": "county", "password": f.PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert _recorded_changes(before) == []
    assert any("CSRF" in r.getMessage() for r in caplog.records)
    # With the token the page gives, the same log-in works.
    token = client.get(reverse("login")).cookies["csrftoken"].value
    ok = client.post(reverse("login"), {"username": "county", "password": f.PASSWORD, "csrfmiddlewaretoken": token})
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(users["county"].pk)


@pytest.mark.django_db
def test_a_back_office_form_without_the_token_is_refused(users: dict) -> None:
    client = _csrf_client()
    client.force_login(users["village"])
    data = {"item": item("F01").pk, "period_start": "2026-03-01", "title": "3月明白账", "opening_balance": "100",
            "closing_balance": "150", "lines": "income|补助|80\nexpense|电费|30"}
    before = _last_id()
    assert client.post(reverse("disclosure:create"), data).status_code == 403
    assert not Disclosure.objects.exists() and _recorded_changes(before) == []
    page = client.get(reverse("disclosure:create"))
    assert page.status_code == 200
    token = page.context["csrf_token"]
    assert client.post(reverse("disclosure:create"), {**data, "csrfmiddlewaretoken": str(token)}).status_code == 302
    assert Disclosure.objects.count() == 1


@pytest.mark.django_db
def test_the_api_with_a_session_needs_the_token(users: dict) -> None:
    client = _csrf_client()
    client.force_login(users["township"])
    payload = {"name": "李四", "ethnicity": "01", "political_status": "13", "education": "60", "region": f.TANBA,
               "id_number": f.id_number("510521")}
    response = client.post(reverse("api:person-list"), payload)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Person.objects.exists()
