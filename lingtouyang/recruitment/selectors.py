"""Reads of recruitment, through the scoped querysets. Eligibility, totals and ranks are derived from the
stored checks and scores each time (never stored), so they cannot disagree with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from lingtouyang.recruitment import eligibility, ranking
from lingtouyang.recruitment.models import Application, Campaign, CampaignPost, Objection


def campaign_list(user: Any) -> QuerySet[Campaign]:
    return (Campaign.objects.visible_to(user).select_related("region")
            .annotate(application_count=Count("applications", distinct=True),
                      post_count=Count("posts", distinct=True))
            .order_by("region_id", "-id"))


@dataclass
class Row:
    application: Application
    eligible: bool
    reasons: list[str]
    invited: bool
    total: Decimal | None = None
    rank: int | None = None
    proposed: bool = False


@dataclass
class PostRanking:
    post: CampaignPost
    rows: list[Row] = field(default_factory=list)


@dataclass
class Board:
    campaign: Campaign
    posts: list[CampaignPost]
    rows: list[Row]

    @property
    def ranking(self) -> list[PostRanking]:
        by_post = {p.pk: PostRanking(p) for p in self.posts}
        for r in sorted((r for r in self.rows if r.rank is not None), key=lambda r: r.rank or 0):
            by_post[r.application.campaign_post_id].rows.append(r)
        return list(by_post.values())

    @property
    def eligible_count(self) -> int:
        return sum(1 for r in self.rows if r.eligible)


def board(campaign: Campaign) -> Board:
    """Every application with its eligibility, total and rank, in two queries."""
    posts = list(campaign.posts.select_related("region").order_by("region_id", "id"))
    applications = list(campaign.applications.select_related("person", "person__region", "campaign_post__region")
                        .order_by("campaign_post__region_id", "id"))
    places = {p.pk: p.places for p in posts}
    entries = [ranking.Entry(a.pk, a.campaign_post_id, a.eligible_for(campaign), a.written_score,
                             a.interview_score, a.submitted_on) for a in applications]
    invited = ranking.invited(entries, places, campaign.interview_ratio)
    ranked = {r.entry.id: r for rows in ranking.rank(entries, places, campaign.written_weight,
                                                     campaign.interview_weight).values() for r in rows}
    rows = []
    for a, e in zip(applications, entries, strict=True):
        reasons = [eligibility.reason(f, campaign.reference_date) for f in a.auto_failures]
        if a.manual_passed is False:
            reasons.append(a.manual_reason)
        row = Row(a, e.eligible, reasons, a.pk in invited)
        if (r := ranked.get(a.pk)) is not None:
            row.total, row.rank, row.proposed = r.total.quantize(Decimal("0.01")), r.rank, r.proposed
        rows.append(row)
    return Board(campaign, posts, rows)


def notice_rows(campaign: Campaign) -> list[Application]:
    """The people on the public notice, withdrawn ones included (with their reason)."""
    return list(campaign.applications.filter(proposed=True)
                .select_related("person", "campaign_post__region", "appointment")
                .order_by("campaign_post__region_id", "id"))


def objections(campaign: Campaign) -> list[Objection]:
    return list(Objection.objects.filter(application__campaign=campaign)
                .select_related("application__person", "recorded_by", "resolved_by").order_by("id"))
