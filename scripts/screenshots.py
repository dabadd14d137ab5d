"""Screenshots of the main pages, at desk width and phone width, for looking at the UI.

Not a test: a developer tool. Run it against a running demo:

    .venv/bin/lingtouyang demo --no-serve
    .venv/bin/lingtouyang runserver 127.0.0.1:8765 --insecure &
    .venv/bin/python scripts/screenshots.py            # PNGs in screenshots/ (gitignored)

It drives Debian's chromium (scripts/browser-deps.sh installs it and the CJK fonts) through
Playwright; Playwright's own browser download is not used. The "import with errors" step uploads
a small invalid roster as the township officer: it is rejected, so nothing is written."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "lingtouyang-demo"  # noqa: S105 - the demo's published password
WIDTHS = {"desktop": (1280, 860), "phone": (375, 740)}

CITY, COUNTY, TOWNSHIP, VILLAGE = "510500000000", "510521000000", "510521102000", "510521102237"
HEADERS = ["姓名", "性别", "民族", "公民身份号码", "出生日期", "政治面貌", "学历", "所在村(社区)代码", "职务",
           "任职时间", "联系电话", "人员来源"]
BAD_ROWS = [
    ["王小明", "男", "汉族", "510521198503011235", "1985-03-01", "中共党员", "大学专科", VILLAGE, "党组织书记、村委会主任",
     "2021-03-15", "13800000000", "优秀农民工"],
    ["", "女", "汉族", "51052119900203", "1990-02-03", "群众", "高中", "51052110223", "村委会委员",
     "去年春天", "1380000", "返乡青年"],
    ["李四", "男", "火星族", "510521196811201234", "1968-11-20", "党员", "大学", VILLAGE, "村长",
     "2021-03-15", "", ""],
]


def bad_roster(folder: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(HEADERS)
    for row in BAD_ROWS:
        sheet.append(row)
    path = folder / "谭坝村花名册（有错误）.xlsx"
    book.save(path)
    return path


class Shooter:
    def __init__(self, browser: Any, base: str, out: Path, width_name: str, language: str) -> None:
        self.browser, self.base, self.out, self.width_name = browser, base.rstrip("/"), out, width_name
        self.locale = "en-US" if language == "en" else "zh-CN"  # the browser's Accept-Language picks the UI language
        self.prefix = width_name if language == "zh-hans" else f"{language}-{width_name}"
        self.width, self.height = WIDTHS[width_name]
        self.context: Any = None
        self.page: Any = None

    def goto(self, path: str) -> None:
        """Open a page; wait out runserver's autoreload restarts (it restarts when a file changes)."""
        for attempt in range(20):
            try:
                self.page.goto(path)
                return
            except Exception as exc:  # playwright.Error, imported lazily
                if not any(e in str(exc) for e in ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE")) or attempt == 19:
                    raise
                self.page.wait_for_timeout(500)

    def as_user(self, username: str | None) -> Any:
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(
            base_url=self.base, locale=self.locale, viewport={"width": self.width, "height": self.height},
            is_mobile=self.width < 600, has_touch=self.width < 600, device_scale_factor=1,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        if username:
            for _attempt in range(3):  # a reload restart can swallow the POST; try again
                self.goto("/login/")
                self.page.fill("#id_username", username)
                self.page.fill("#id_password", PASSWORD)
                self.page.click(".login button[type=submit]", no_wait_after=True)
                try:
                    self.page.wait_for_url(lambda url: "/login/" not in url, timeout=5_000)
                    break
                except Exception:  # noqa: S112 - retried, then reported below
                    continue
            else:
                raise SystemExit(f"could not log in as {username}: is the demo built (lingtouyang demo --no-serve)?")
        return self.page

    def shot(self, name: str, path: str | None = None, ready: Callable[[Any], None] | None = None) -> None:
        page = self.page
        if path:
            self.goto(path)
        page.wait_for_load_state("networkidle")
        if ready:
            ready(page)
        page.wait_for_timeout(400)  # chart animations
        file = self.out / f"{self.prefix}-{name}.png"
        page.screenshot(path=str(file), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth") - self.width
        note = f"  ⚠ {overflow}px wider than the screen" if overflow > 0 else ""
        print(f"{file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}{note}")


def charts_drawn(page: Any) -> None:
    if page.locator(".chart").count():
        page.wait_for_selector(".chart svg", state="attached")


def run(base: str, out: Path, only: set[str], language: str) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        bad = bad_roster(Path(tmp))
        for width_name in WIDTHS:
            if only and width_name not in only:
                continue
            s = Shooter(browser, base, out, width_name, language)
            s.as_user(None)
            s.shot("01-login", "/login/")

            s.as_user("city")
            s.shot("02-city", f"/regions/{CITY}/", charts_drawn)
            s.shot("03-county", f"/regions/{COUNTY}/", charts_drawn)
            s.shot("04-township", f"/regions/{TOWNSHIP}/", charts_drawn)
            s.shot("05-village", f"/regions/{VILLAGE}/", charts_drawn)
            s.shot("06-people", f"/people/?region={VILLAGE[:9]}")
            s.goto(f"/regions/{VILLAGE}/")
            person = s.page.locator("#roster tbody a").first.get_attribute("href")
            s.shot("07-person", person)
            for _attempt in range(3):  # the search-as-you-type answer is lost if runserver restarts meanwhile
                s.goto(f"{person}edit/")
                search = s.page.locator(".suggest input[type=search]").first
                search.fill("")
                search.type("tanb", delay=60)
                try:
                    s.page.wait_for_selector(".suggest ul li", timeout=5_000)
                    break
                except Exception:  # noqa: S112 - tried again
                    continue
            s.shot("08-person-edit")
            s.shot("11-audit", "/audit/")
            s.shot("12-people-none-found", "/people/?q=zzzzzz")

            s.shot("14-term-report", f"/elections/report/?region={CITY[:4]}", charts_drawn)
            s.shot("15-rules", "/review/rules/")
            s.shot("16-rules-new", "/review/rules/new/")

            s.as_user("gulin-police")  # a reviewer: regions only, no people
            s.shot("13-reviewer-county", "/")
            s.shot("17-review-queue", "/review/queue/")

            s.as_user("jiangyang")  # a county running a recruitment campaign in its public notice
            s.shot("18-recruitment", "/recruitment/")
            campaign = s.page.locator("main table tbody a").first.get_attribute("href")
            s.shot("19-campaign", campaign)
            s.shot("20-ranking", f"{campaign}ranking/")
            s.shot("21-notice", f"{campaign}notice/")

            s.as_user("luxian")  # the county that approves appointments and certifies elections
            s.shot("22-appointment-requests", "/appointments/")
            s.shot("23-elections", "/elections/?term=2026")
            election = s.page.locator("main table tbody a").first.get_attribute("href")
            s.shot("24-election", election)

            s.shot("25-training", "/training/")
            s.shot("26-coverage", "/training/coverage/", charts_drawn)
            s.shot("27-sessions", "/training/sessions/")
            session = s.page.locator("main table tbody a[href*='/training/sessions/']").first.get_attribute("href")
            s.shot("28-session", session)
            sitting_qr = s.page.locator("a[href*='/qr/']").first.get_attribute("href")
            s.shot("29-sitting-qr", sitting_qr)
            s.shot("30-secondments", "/secondments/")
            s.shot("31-social-work", "/social-work/")
            # Use and management (用·管), as the county.
            s.shot("40-assessment", "/assessments/", charts_drawn)
            s.shot("41-payroll-runs", "/pay/")
            run = s.page.locator("main table tbody a[href*='/pay/runs/']").first.get_attribute("href")
            s.shot("42-payroll-run", run)
            slip = s.page.locator("main a[href*='/pay/slips/']").first.get_attribute("href")
            s.shot("43-pay-slip", slip)
            s.shot("44-pay-policies", "/pay/policies/")
            s.shot("45-economy", "/economy/?region=510524&year=2025")
            s.shot("46-careers", "/careers/")
            s.shot("47-care-none", "/care/none-this-year/")
            s.shot("48-tasks", "/tasks/")
            s.shot("49-indicators", "/tasks/indicators/", charts_drawn)
            s.shot("50-decisions", "/governance/")
            s.shot("51-disclosure-compliance", "/disclosure/compliance/", charts_drawn)
            s.shot("52-feedback-inbox", "/oversight/")

            s.as_user("tanba")  # a village cadre: their own training record, grade, pay, the village's disclosures
            s.shot("32-my-training", "/training/mine/")
            s.shot("53-my-assessment", "/assessments/mine/")
            s.shot("54-my-pay", "/pay/mine/")
            s.shot("55-village-disclosure", "/disclosure/")

            s.as_user(None)  # a resident on the public portal
            s.shot("60-portal-home", "/open/")
            s.shot("61-portal-search", "/open/search/?q=hys")
            s.shot("62-portal-village", f"/open/v/{VILLAGE}/")
            disclosure = s.page.locator("main a[href*='/d/']").first.get_attribute("href")
            s.shot("63-portal-disclosure", disclosure)
            s.shot("64-portal-poster", f"/open/v/{VILLAGE}/poster/")
            s.shot("65-portal-verify", f"/open/verify/{VILLAGE}/")
            s.shot("66-portal-ask", f"/open/feedback/ask/{VILLAGE}/")

            s.as_user("tanba")
            s.page.locator("label.nav-button").click() if width_name == "phone" else None
            s.shot("33-menu", None)

            s.as_user("yusi")
            s.shot("09-import", "/people/import/")
            s.page.set_input_files("input[type=file]", str(bad))
            s.page.click("main form button[type=submit]")
            s.page.wait_for_load_state()
            s.shot("10-import-errors", None,
                   lambda p: p.wait_for_selector("#job-card[data-status=failed], #job-card[data-status=done]"))
            s.context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765", help="the running demo's address")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--only", action="append", choices=list(WIDTHS), default=[], help="desktop or phone")
    parser.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans",
                        help="the UI language (English shots are named en-…)")
    opts = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: run `bash scripts/browser-deps.sh` as root")
    run(opts.base, opts.out, set(opts.only), opts.language)


if __name__ == "__main__":
    main()
