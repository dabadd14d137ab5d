"""The public portal's search answers at most LINGTOUYANG_SEARCH_PER_MINUTE requests per address per minute;
beyond, 429 with a message in the visitor's language (zh-hans through the catalogue), no results and no caching. Other addresses are served."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts(settings: Any) -> Iterator[None]:
    settings.LINGTOUYANG_SEARCH_PER_MINUTE = 3
    cache.clear()
    yield
    cache.clear()


def test_the_json_search_is_limited_per_address() -> None:
    client = Client(REMOTE_ADDR="203.0.113.7", headers={"accept-language": "en"})
    url = reverse("portal:search_json")
    for _ in range(3):
        assert client.get(url, {"q": "tb"}).status_code == 200
    refused = client.get(url, {"q": "tb"})
    assert refused.status_code == 429
    assert refused.json()["results"] == [] and "Too many searches" in refused.json()["error"]
    assert refused["Retry-After"] == "60" and refused["Cache-Control"] == "no-store"
    # Another address is not held back by this one.
    assert Client(REMOTE_ADDR="203.0.113.8").get(url, {"q": "tb"}).status_code == 200


def test_the_results_page_shares_the_count_and_says_why() -> None:
    client = Client(REMOTE_ADDR="203.0.113.9", headers={"accept-language": "en"})
    for _ in range(3):
        assert client.get(reverse("portal:search_json"), {"q": "tb"}).status_code == 200
    page = client.get(reverse("portal:search"), {"q": "谭坝"})
    assert page.status_code == 429 and "谭坝村" not in page.content.decode()
    assert "Please wait a minute" in page.content.decode()


def test_behind_the_proxy_the_client_address_counts(settings: Any) -> None:
    settings.TRUSTED_PROXIES = frozenset({"10.0.0.2"})
    url = reverse("portal:search_json")
    heavy = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.1")
    for _ in range(3):
        assert heavy.get(url, {"q": "tb"}).status_code == 200
    assert heavy.get(url, {"q": "tb"}).status_code == 429
    # The same proxy, another resident: served.
    assert Client(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.2").get(url, {"q": "tb"}).status_code == 200


def test_zero_turns_the_limit_off(settings: Any) -> None:
    settings.LINGTOUYANG_SEARCH_PER_MINUTE = 0
    client = Client(REMOTE_ADDR="203.0.113.10")
    assert all(client.get(reverse("portal:search_json"), {"q": "tb"}).status_code == 200 for _ in range(10))
