"""Demo data for village affairs disclosure in Luzhou: every village and community has a year of published
disclosures — each scheduled catalogue item for every period due in the last year (compliance's window), plus
a few on-occurrence ones — with finance statements that reconcile (明白账), 低保 lists with masked ID numbers,
some villages overdue on some items, some disclosures corrected (version 2 pointing at version 1 with a
reason), every village's ledger chained and yesterday's heads published. 谭坝村 has a draft in review
(accounts tanba → tanba-jw → yusi).

Written set-based (core/bulk.py: ids reserved, then COPY or executemany), not through the services, as the
other demos do; the ledger's hashes are computed here with the same `ledger.canonical` the verifier uses, so
`lingtouyang verify-ledger` says "intact". Deterministic (seeded by the prefix) and once only."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.core.scope import code_bounds
from lingtouyang.disclosure import compliance, ledger, masking, periods, services
from lingtouyang.disclosure.models import CatalogueItem, Disclosure, FinanceLine, Frequency, LedgerEntry
from lingtouyang.regions.models import Level, Region

TANBA = "510521102237"
D_FIELDS = ["id", "region", "item", "item_key", "period_label", "period_start", "period_end", "title", "body",
            "tables", "opening_balance", "closing_balance", "state", "return_reason", "corrects", "correction_reason",
            "version", "created_at", "published_at"]
L_FIELDS = ["id", "disclosure", "kind", "subject", "amount", "position"]
E_FIELDS = ["id", "region", "seq", "disclosure", "algorithm", "content_hash", "prev_hash", "entry_hash", "recorded_at"]
INCOME = ["上级转移支付", "村集体资产租赁收入", "经营收入", "一事一议财政奖补", "其他收入"]
EXPENSE = ["办公费", "水电费", "道路维护", "公益事业支出", "村干部误工补贴", "环境整治"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "国华明建军秀英芳丽强敏静伟霞平刚桂兰玉春海燕德兴福成忠贵永琼翠莲学文志勇"
OVERDUE_SHARE = 0.15  # villages that missed something
CORRECTED_SHARE = 0.04  # villages with a corrected finance statement
_POOLS: dict[str, list[list[str]]] = {}


@dataclass
class Batch:
    disclosures: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)


def _db_time(value: datetime) -> Any:
    """What the database driver takes for a DateTimeField, fast: naive UTC text on SQLite (as Django writes it)."""
    if connection.vendor == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def _person_pool(rng: random.Random, county: str, n: int = 400) -> list[list[str]]:
    """Residents' rows for the lists (低保 and the like), masked as the service would store them."""
    rows = []
    for _i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _j in range(rng.choice((1, 2))))
        born = date(1940 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 29))
        number = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
        rows.append([name, masking.mask_id(number), str(rng.randrange(1, 5)), f"{rng.randrange(300, 900)}.00"])
    return rows


def _pool(rng: random.Random, county: str) -> list[list[str]]:
    if county not in _POOLS:
        _POOLS[county] = _person_pool(rng, county)
    return _POOLS[county]


def _content(rng: random.Random, item: CatalogueItem, village: Region, p: periods.Period) -> dict[str, Any]:
    """Title, body, tables, balances and lines of one disclosure (finance ones reconcile by construction)."""
    title = f"{village.short_name}{p.label}{item.title}"
    body = f"根据村务公开目录，现将{village.short_name}{p.label}{item.title}公开如下。如有疑问，请向村务监督委员会反映。"
    out: dict[str, Any] = {"title": title[:200], "body": body, "tables": [], "opening": None, "closing": None,
                           "lines": []}
    if item.has_personal_data and not item.is_finance:
        out["tables"] = [{"title": item.title, "columns": [
            {"label": "姓名", "kind": "name"}, {"label": "身份证号", "kind": "id_number"},
            {"label": "保障人数", "kind": "number"}, {"label": "月保障金(元)", "kind": "money"}],
            "rows": rng.sample(_pool(rng, village.code[:6]), rng.randrange(3, 7))}]
    if item.is_finance:
        opening = Decimal(rng.randrange(5_000_00, 300_000_00)) / 100
        lines = [("income", rng.choice(INCOME), Decimal(rng.randrange(1_000_00, 60_000_00)) / 100),
                 ("expense", rng.choice(EXPENSE), Decimal(rng.randrange(500_00, 40_000_00)) / 100),
                 ("expense", rng.choice(EXPENSE), Decimal(rng.randrange(100_00, 8_000_00)) / 100)]
        out.update(opening=opening, closing=opening + lines[0][2] - lines[1][2] - lines[2][2], lines=lines)
    return out


def demo_disclosure(prefix: str) -> str:
    """Build the disclosures of every village under `prefix`, once; a line for the demo's log."""
    low, high = code_bounds(prefix)
    if Disclosure.objects.filter(region_id__gte=low, region_id__lte=high).exists():
        return ""
    rng = random.Random(f"disclosure-{prefix}")
    today = timezone.localdate()
    dues = compliance.schedule(prefix, today)
    occasional = [i for i in compliance.items_in_force(prefix, today) if i.frequency == Frequency.ON_OCCURRENCE
                  and i.code in ("V14", "S04", "V13")]
    villages = list(Region.objects.filter(level=Level.VILLAGE, code__gte=low, code__lte=high).order_by("code"))
    if not villages or not dues:
        return ""
    batch = Batch()
    planned: list[tuple[Region, CatalogueItem, periods.Period, date, int | None, str]] = []
    corrections = behind = 0
    owners = [services.region_prefix(d.item.region_code) for d in dues]
    for village in villages:
        mine = [d for d, owner in zip(dues, owners, strict=True) if village.code.startswith(owner)]
        skip: set[int] = set()
        if rng.random() < OVERDUE_SHARE:
            behind += 1
            # Mostly the latest periods are missed: a village falling behind, not one that never published.
            recent = sorted(range(len(mine)), key=lambda n: mine[n].due_date)[-30:]
            skip = set(rng.sample(recent, rng.randrange(1, 6)))
        for n, d in enumerate(mine):
            if n not in skip:
                planned.append((village, d.item, d.period, d.due_date, None, ""))
        for item in rng.sample(occasional, rng.randrange(0, len(occasional) + 1)):
            day = today - timedelta(days=rng.randrange(20, 340))
            p = periods.period_containing(item.frequency, day)
            planned.append((village, item, p, day + timedelta(days=rng.randrange(0, 7)), None, ""))
    yesterday = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    ids = allocate_ids(Disclosure, len(planned) + len(villages))  # room for the corrections
    line_total = sum(1 for v, item, *_rest in planned if item.is_finance) * 3 + len(villages) * 3
    line_ids = iter(allocate_ids(FinanceLine, line_total))
    id_iter = iter(ids)
    by_village: dict[str, list[tuple[datetime, dict[str, Any], list[tuple[Any, ...]]]]] = {}

    def add(village: Region, item: CatalogueItem, p: periods.Period, published: datetime, content: dict[str, Any],
            corrects: int | None = None, reason: str = "", version: int = 1) -> dict[str, Any]:
        d = {"id": next(id_iter), "region_id": village.code, "item_id": item.pk, "item_key": item.key,
             "period_label": p.label, "period_start": p.start, "period_end": p.end, "title": content["title"],
             "body": content["body"], "tables": content["tables"], "opening_balance": content["opening"],
             "closing_balance": content["closing"], "corrects_id": corrects, "correction_reason": reason,
             "version": version, "published_at": published}
        lines = [(next(line_ids), k, s, a, n) for n, (k, s, a) in enumerate(content["lines"], start=1)]
        by_village.setdefault(village.code, []).append((published, d, lines))
        return d

    for village, item, p, due, _c, _r in planned:
        # 10:00 in China is 02:00 UTC.
        published = datetime.combine(due - timedelta(days=rng.randrange(0, 12)), time(2), tzinfo=UTC)
        published = min(published, yesterday)
        content = _content(rng, item, village, p)
        d = add(village, item, p, published, content)
        if item.code == "F01" and rng.random() < CORRECTED_SHARE / 6 and corrections < len(villages):
            # A correction: the expense was entered wrong; the closing balance follows from the fixed lines.
            fixed = dict(content)
            kind, subject, amount = content["lines"][1]
            new_amount = (amount + Decimal("100.00")).quantize(Decimal("0.01"))
            fixed["lines"] = [content["lines"][0], (kind, subject, new_amount), content["lines"][2]]
            fixed["closing"] = content["closing"] - Decimal("100.00")
            later = min(published + timedelta(days=rng.randrange(3, 20)), yesterday + timedelta(hours=12))
            add(village, item, p, later, fixed, corrects=d["id"], version=2,
                reason=f"“{subject}”支出金额录入有误，应为{new_amount}元，期末余额相应更正。")
            corrections += 1

    now = _db_time(timezone.now())
    entry_ids = iter(allocate_ids(LedgerEntry, sum(len(v) for v in by_village.values())))
    algorithm = ledger.algorithm()
    published_state = Disclosure.State.PUBLISHED
    for code in sorted(by_village):
        prev = ledger.GENESIS
        for seq, (published, d, lines) in enumerate(sorted(by_village[code], key=lambda r: (r[0], r[1]["id"])),
                                                    start=1):
            body = ledger.digest(ledger.document(d, [ln[1:4] for ln in lines], []), algorithm)
            entry = ledger.chain(prev, body, algorithm)
            at = _db_time(published)
            batch.disclosures.append((d["id"], code, d["item_id"], d["item_key"], d["period_label"], d["period_start"],
                                      d["period_end"], d["title"], d["body"], _json(d["tables"]),
                                      d["opening_balance"], d["closing_balance"], published_state, "",
                                      d["corrects_id"], d["correction_reason"], d["version"], now, at))
            batch.lines += [(ln[0], d["id"], ln[1], ln[2], ln[3], ln[4]) for ln in lines]
            batch.entries.append((next(entry_ids), code, seq, d["id"], algorithm, body, prev, entry, at))
            prev = entry
    # Corrections point at rows inserted in the same statement: originals come first in id order.
    batch.disclosures.sort(key=lambda r: r[0])
    with transaction.atomic():
        insert_rows(Disclosure, D_FIELDS, batch.disclosures)
        insert_rows(FinanceLine, L_FIELDS, batch.lines)
        insert_rows(LedgerEntry, E_FIELDS, batch.entries)
        heads = ledger.publish_heads(today - timedelta(days=1), prefix)
        tanba = _tanba_draft(today)
        audit_record("disclosure.demo", region_code=prefix, changes={
            "disclosures": len(batch.disclosures), "lines": len(batch.lines), "corrections": corrections,
            "heads": heads})
    return (f"disclosure: {len(batch.disclosures):,} published in {len(villages):,} villages ({corrections} corrected),"
            f" {len(batch.lines):,} finance lines, {heads:,} ledger heads; {behind} villages behind on some items"
            f"{'; 谭坝村 has a draft in review' if tanba else ''}")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _tanba_draft(today: date) -> bool:
    """谭坝村's next quarterly plan, drafted by tanba and submitted: waiting for tanba-jw, then yusi."""
    from lingtouyang.accounts.models import User

    village = Region.objects.filter(code=TANBA).first()
    item = CatalogueItem.objects.filter(code="V01", region_code="510500000000").order_by("-version").first()
    if village is None or item is None:
        return False
    cadre = User.objects.filter(username="tanba").first()
    d = services.disclosure_create(
        acting_user=cadre, village=village, item=item, period_start=today,
        title=f"谭坝村{periods.period_containing(item.frequency, today).label}村级工作计划和村民代表会议决议",
        body="一、村道硬化工程（投资12万元）经村民代表会议表决通过；\n二、人居环境整治方案；\n三、集体经济合作社年度分红方案。")
    services.disclosure_submit(acting_user=cadre, disclosure=d)
    return True
