"""Refusals and missing pages speak the user's language inside the site's frame, never Django's bare
English page: out of scope is a 404 that says so, a missing capability a 403."""

from __future__ import annotations

import pytest
from django.test import Client

from lingtouyang.accounts.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_client() -> Client:
    f.make_user("tanba-cadre", Role.VILLAGE_CADRE, f.TANBA)
    client = Client()
    assert f.login(client, "tanba-cadre")
    return client


def test_out_of_scope_is_a_404_in_chinese(village_client: Client) -> None:
    response = village_client.get(f"/regions/{f.GULIN_VILLAGE}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "未找到" in text and "超出您的管辖范围" in text
    assert 'class="main-nav"' in text  # the site's own frame, with its menu


def test_a_missing_capability_is_a_403_in_chinese(village_client: Client) -> None:
    response = village_client.get("/accounts/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_english_when_chosen(village_client: Client) -> None:
    village_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = village_client.get(f"/regions/{f.GULIN_VILLAGE}/")
    assert "outside your jurisdiction" in response.content.decode()


def test_a_server_error_page_needs_no_context() -> None:
    from django.template.loader import render_to_string

    text = render_to_string("500.html")
    assert "系统出错" in text and "nothing was changed" in text
