"""The automatic eligibility check: the campaign's conditions that data can decide, applied to a person.
A failure is stored as data ({"check", "value", "limit"}) and worded when shown, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lingtouyang.people.codes import EDUCATION_CHOICES, PARTY_MEMBER_CODES, Source
from lingtouyang.people.idnumber import age_on

AGE, EDUCATION, SOURCE, PARTY = "age", "education", "source", "party"
EDUCATION_NAMES = dict(EDUCATION_CHOICES)


def check(campaign: Any, person: Any) -> list[dict[str, Any]]:
    """Every condition the person fails, in a fixed order; empty when all are met."""
    failures: list[dict[str, Any]] = []
    if campaign.max_age is not None:
        age = age_on(person.birth_date, campaign.reference_date)
        if age > campaign.max_age:
            failures.append({"check": AGE, "value": age, "limit": campaign.max_age})
    # Education codes are ordered: a lower code is more schooling.
    if campaign.min_education and person.education > campaign.min_education:
        failures.append({"check": EDUCATION, "value": person.education, "limit": campaign.min_education})
    if campaign.required_sources and person.source not in campaign.required_sources:
        failures.append({"check": SOURCE, "value": person.source, "limit": list(campaign.required_sources)})
    if campaign.party_member_required and person.political_status not in PARTY_MEMBER_CODES:
        failures.append({"check": PARTY, "value": person.political_status, "limit": None})
    return failures


def _source_label(code: str) -> str:
    return str(Source(code).label) if code in Source.values else code


def reason(failure: dict[str, Any], reference_date: Any = None) -> str:
    kind, value, limit = failure.get("check"), failure.get("value"), failure.get("limit")
    if kind == AGE:
        return _("aged %(age)s on %(date)s, above the limit of %(limit)s") % {
            "age": value, "limit": limit, "date": f"{reference_date:%Y-%m-%d}" if reference_date else "-"}
    if kind == EDUCATION:
        return _("education %(value)s is below the minimum (%(limit)s)") % {
            "value": EDUCATION_NAMES.get(value, value), "limit": EDUCATION_NAMES.get(limit, limit)}
    if kind == SOURCE:
        return _("source “%(value)s” is not one required (%(limit)s)") % {
            "value": _source_label(value), "limit": "、".join(_source_label(s) for s in limit or [])}
    if kind == PARTY:
        return _("not a party member")
    return str(kind)
