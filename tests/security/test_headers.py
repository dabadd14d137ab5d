"""The security headers on every kind of answer: a back-office page, a public portal page, an API response; and
behind HTTPS, HSTS, the redirect and secure cookies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def assert_hardened(response: Any) -> None:
    policy = directives(response["Content-Security-Policy"])
    for name, value in POLICY.items():
        assert policy.get(name) == value, (name, policy.get(name))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_back_office_page(users: dict) -> None:
    client = Client()
    client.force_login(users["county"])
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    assert_hardened(response)
    assert "Strict-Transport-Security" not in response  # plain HTTP on a laptop: no HSTS promise


def test_the_login_page() -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert_hardened(response)


def test_a_public_portal_page() -> None:
    for url in (reverse("portal:home"), reverse("portal:search"), reverse("portal:region", args=[f.YUSI])):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert_hardened(response)


def test_an_api_response(users: dict) -> None:
    client = Client()
    client.force_login(users["county"])
    response = client.get(reverse("api:person-list"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert_hardened(response)
    anonymous = Client().get(reverse("api:person-list"), HTTP_ACCEPT="application/json")
    assert anonymous.status_code in (401, 403)
    assert_hardened(anonymous)


def test_an_error_page() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


@pytest.fixture
def https(settings: Any) -> None:
    """What HTTPS=true sets (lingtouyang/settings.py), applied to this test."""
    settings.HTTPS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def test_behind_https_hsts_and_secure_cookies(https: None, users: dict) -> None:
    client = Client()
    # nginx terminates TLS and says so in X-Forwarded-Proto.
    page = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"] is True
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("login"), {"username": "county", "password": f.PASSWORD,
                                              "csrfmiddlewaretoken": token},
                           HTTP_X_FORWARDED_PROTO="https", HTTP_REFERER="https://testserver/login/")
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True and response.cookies["sessionid"]["httponly"] is True


def test_behind_https_plain_http_is_redirected(https: None) -> None:
    response = Client().get(reverse("portal:home"))
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_nginx_sends_the_same_headers_for_the_files_it_serves(users: dict) -> None:
    """deploy/nginx-security-headers.conf, included where nginx serves the portal's files itself, says what the
    application says."""
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx-security-headers.conf").read_text()
    sent = dict(re.findall(r'^add_header ([\w-]+) "([^"]*)" always;', conf, re.M))
    response = Client().get(reverse("portal:home"))
    assert directives(sent["Content-Security-Policy"]) == directives(response["Content-Security-Policy"])
    for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert sent.get(name) == response[name], name
    assert sent["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    portal = (Path(__file__).resolve().parents[2] / "deploy" / "nginx-portal.conf").read_text()
    file_locations = portal.count("alias ")
    assert file_locations and portal.count("include /srv/lingtouyang/deploy/nginx-security-headers.conf;") == file_locations


TEMPLATES = Path(__file__).resolve().parents[2] / "lingtouyang"
REFUSED = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.I),
    "inline <style>": re.compile(r"<style[\s>]", re.I),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "on… handler": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on (needs eval)": re.compile(r"\shx-on", re.I),
}


def test_no_template_holds_what_the_policy_refuses() -> None:
    """The browser test visits the main pages; this covers every template, pages and fragments alike."""
    found = []
    for path in TEMPLATES.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(TEMPLATES)}: {what}" for what, pattern in REFUSED.items() if pattern.search(text)]
    assert found == []
