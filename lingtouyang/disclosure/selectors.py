"""Reads shared by pages, the API and the public portal."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from lingtouyang.disclosure.models import Attachment, CatalogueItem, Disclosure, FinanceLine


def with_content(qs: Any) -> Any:
    return qs.select_related("item", "region", "corrects").prefetch_related(
        Prefetch("lines", queryset=FinanceLine.objects.order_by("position", "id")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("id")))


def public_village_list(code: str) -> Any:
    """What a village's public page lists: its current published versions, newest period first."""
    return with_content(Disclosure.objects.published().current().filter(region_id=code)).order_by(
        "-period_start", "-id")


def version_chain(d: Disclosure, *, published_only: bool = True) -> list[Disclosure]:
    """All versions of d's disclosure, oldest first: follows `corrects` back to the original, then the
    corrections forward. A chain is a handful of rows; one query per version is fine."""
    first = d
    while first.corrects_id is not None:
        first = Disclosure.objects.select_related("corrects").get(pk=first.corrects_id)
    chain = [first]
    while True:
        nxt = Disclosure.objects.filter(corrects=chain[-1])
        if published_only:
            nxt = nxt.published()
        following = nxt.order_by("id").first()
        if following is None:
            break
        chain.append(following)
    return [v for v in chain if v.is_published or not published_only]


def catalogue_for(user: Any) -> Any:
    """The catalogue a user works with: the city's items and their county's own (all versions)."""
    return CatalogueItem.objects.shared_with(user).order_by("sort_order", "code", "region_code", "-version")
