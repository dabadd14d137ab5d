"""Demo data: residents' questions and complaints across Luzhou in every state, written through the services
(so every step is audited): 谭坝村 (answered by the account `tanba`, escalated ones by `yusi`, 喻寺镇) and the first
village of each other county. Threads ask about a published disclosure of the village where the disclosure demo
made one, else about the village in general. Deterministic and idempotent (nothing is added twice)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from lingtouyang.accounts.models import User
from lingtouyang.oversight import services
from lingtouyang.oversight.models import Answer, Kind, Thread
from lingtouyang.regions.models import Level, Region

TANBA = "510521102237"
# (kind, question, days ago submitted, what happened: (step, days ago, text) ...)
SCRIPT: list[tuple[str, str, int, list[tuple[str, int, str]]]] = [
    (Kind.QUESTION, "请问今年村里修的产业路总共花了多少钱？明细在哪里可以看到？", 2, []),
    (Kind.QUESTION, "低保名单里有一户家里有车有房，请问是按什么标准评的？", 9,
     [("village", 4, "经核查，该户车辆已于去年转让，房屋为危房改造安置房，符合低保条件。评议会议记录已在村务公开栏张贴。")]),
    (Kind.COMPLAINT, "村集体鱼塘承包费去年就收了，但财务公开里没有看到这笔收入。", 15, []),
    (Kind.COMPLAINT, "反映多次的村道路灯一直没修，晚上出行很不安全。", 45, []),
    (Kind.QUESTION, "高标准农田建设项目的施工单位是怎么选定的？有没有公开招标？", 26,
     [("township", 3, "经镇纪委核查，该项目由县农业农村局统一招标，中标公告已在县政府网站公示，村里将补充公开中标通知书。")]),
    (Kind.QUESTION, "村里的一事一议筹资每户多少钱？用在了哪些地方？", 32,
     [("village", 25, "每户筹资50元，全部用于三组水渠维修，收支明细已在第三季度财务公开中列明。"), ("close", 20, "")]),
    (Kind.COMPLAINT, "村支书就是个贪官，大家都打他电话13900001111骂他！", 6, [("hide", 5, "含辱骂他人的言语及他人电话号码")]),
]


def _villages(prefix: str) -> list[Region]:
    """谭坝村 and the first village (by code) of each other county in the prefix."""
    counties = Region.objects.filter(level=Level.COUNTY).within(prefix).order_by("code").values_list("code", flat=True)
    chosen = list(Region.objects.filter(code=TANBA).within(prefix))
    for county in counties:
        if county[:6] == TANBA[:6]:
            continue
        first = Region.objects.filter(level=Level.VILLAGE).within(county[:6]).order_by("code").first()
        if first is not None:
            chosen.append(first)
    return chosen


def _published(code: str) -> Any:
    from lingtouyang.disclosure.models import Disclosure

    return Disclosure.objects.published().filter(region_id=code).order_by("-period_start", "-id").first()


def demo_oversight(prefix: str) -> str:
    """Build this part's demo data for the regions under `prefix`, once; return a line for the demo's log
    (empty when nothing was added)."""
    if Thread.objects.within(prefix).exists():
        return ""
    now = timezone.now()
    village_user = User.objects.filter(username="tanba", region_id=TANBA).first()
    township_user = User.objects.filter(username="yusi", region_id=TANBA[:9] + "000").first()
    count = 0
    for village in _villages(prefix):
        disclosure = _published(village.code)
        own = village.code == TANBA
        for i, (kind, body, ago, steps) in enumerate(SCRIPT):
            at = now - timedelta(days=ago, hours=i)
            thread = services.feedback_submit(
                village=village, disclosure=disclosure if i % 2 == 0 else None, kind=kind, body=body, at=at,
                contact_name="张女士" if i == 1 else "", phone="13800000000" if i == 1 else "")
            count += 1
            for step, step_ago, text in steps:
                when: datetime = now - timedelta(days=step_ago)
                if step in (Answer.By.VILLAGE, Answer.By.TOWNSHIP):
                    user = (village_user if step == Answer.By.VILLAGE else township_user) if own else None
                    services.feedback_answer(acting_user=user, thread=thread, body=text, by=step, at=when)
                elif step == "close":
                    services.feedback_close(acting_user=township_user if own else None, thread=thread)
                else:
                    services.feedback_hide(acting_user=township_user if own else None, thread=thread, reason=text)
    escalated = services.feedback_escalate_due(acting_user=None)
    return f"oversight: {count} residents' questions and complaints, {escalated} escalated to the township"
