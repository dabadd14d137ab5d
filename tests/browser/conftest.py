"""Fixtures for the browser tests: Debian's chromium driven by Playwright's sync API against
pytest-django's live server.

Without /usr/bin/chromium (or the playwright package) these tests are skipped with the reason,
except under CI=true, where a missing browser is an error (scripts/test.sh installs it via
scripts/browser-deps.sh)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lingtouyang.regions.loader import load_luzhou
from tests import factories

# Data migrations whose rows the pages need (catalogue, checklists, indicators, response deadlines): a flush
# removes them like the regions, so they are seeded again, each seed a no-op when its rows are there.
SEED_MIGRATIONS = [
    "lingtouyang.disclosure.migrations.0002_default_catalogue",
    "lingtouyang.governance.migrations.0002_default_checklists",
    "lingtouyang.tasks.migrations.0002_default_indicators",
    "lingtouyang.oversight.migrations.0002_sichuan_policy",
]


def load_seeds() -> None:
    from django.apps import apps

    load_luzhou()
    for name in SEED_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}: run `bash scripts/browser-deps.sh` as root", pytrace=False)
    pytest.skip(f"{reason}; install it with `bash scripts/browser-deps.sh` (as root)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"browser tests need Debian's chromium at {CHROMIUM}, which is absent")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("browser tests need the playwright Python package, which is not installed")
    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls
    # from a thread with a running loop unless told that this is deliberate (the test code only).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module", autouse=True)
def _regions_kept(django_db_setup, django_db_blocker) -> Iterator[None]:  # noqa: ANN001
    """live_server's transactional database is flushed after each test, which empties the regions
    table too. Module-scoped, so torn down after the last test's flush: the tests that run later
    find the session's divisions again (tests/conftest.py loads them once per session)."""
    yield
    with django_db_blocker.unblock():
        load_seeds()


@pytest.fixture
def server(browser, live_server, upload_dir) -> str:  # noqa: ANN001
    """The live server's address, with Luzhou's divisions in its (transactional) database."""
    load_seeds()  # the previous test's flush removed them; a no-op when they are there
    return live_server.url


def new_page(browser: Any, server: str, **context: Any) -> Any:
    # Chinese is the default language: the browser asks for it, as users' browsers in Luzhou do.
    ctx = browser.new_context(base_url=server, locale="zh-CN", accept_downloads=True, **context)
    ctx.set_default_timeout(10_000)
    return ctx.new_page()


@pytest.fixture
def page(browser, server) -> Iterator[Any]:  # noqa: ANN001
    page = new_page(browser, server)
    yield page
    page.context.close()


@pytest.fixture
def officer(server) -> Any:  # noqa: ANN001
    """A township officer of 喻寺镇 (510521102000), who may import rosters for its villages."""
    from lingtouyang.accounts.roles import Role

    return factories.make_user("yusi-officer", Role.TOWNSHIP_OFFICER, factories.YUSI, first_name="喻寺镇组织委员")


def log_in(page: Any, username: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(".login button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def nav_click(page: Any, href: str) -> None:
    """Follows a main-menu link as a user would: on a phone the menu is folded behind its button first."""
    if not page.locator(".main-nav").is_visible():
        page.locator("label.nav-button").click()
    page.click(f".main-nav a[href='{href}']")
