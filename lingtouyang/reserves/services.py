"""Every change to the reserve pool goes through these functions: validate, save, write the audit row
(the village's code as its region), in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.people import rules
from lingtouyang.people import services as people_services
from lingtouyang.people.codes import Post, Source
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.reserves import evidence
from lingtouyang.reserves.models import Merit, PoolTarget, Reserve

Status = Reserve.Status


def _in_scope(acting_user: Any, code: str) -> bool:
    if acting_user is None:
        return True  # the command line acts for the whole installation
    prefix = user_prefix(acting_user, "edit_people")
    return prefix is not None and in_prefix(code, prefix)


def _require(acting_user: Any, code: str) -> None:
    if not _in_scope(acting_user, code):
        raise ValidationError(_("this is outside your jurisdiction"))


def _validate(person: Person, region: Region, source: str, posts: list[str], added_on: date,
              acting_user: Any) -> None:
    errors: dict[str, list[str]] = {}
    if problem := rules.region_problem(region.level):
        errors.setdefault("region", []).append(problem)
    elif not _in_scope(acting_user, region.code):
        errors.setdefault("region", []).append(_("this village or community is outside your jurisdiction"))
    if not _in_scope(acting_user, person.region_id):
        errors.setdefault("person", []).append(_("this person is outside your jurisdiction"))
    if source not in Source.values:
        errors.setdefault("source", []).append(_("choose a source category"))
    if not posts:
        errors.setdefault("posts", []).append(_("choose at least one post the person is groomed for"))
    for post in posts:
        problem = _("no such post: %(post)s") % {"post": post} if post not in Post.values else \
            rules.post_problem(post, region.kind)
        if problem:
            errors.setdefault("posts", []).append(problem)
    if added_on > timezone.localdate():
        errors.setdefault("added_on", []).append(_("the date added is in the future"))
    if errors:
        raise ValidationError(errors)
    if Reserve.objects.filter(region=region, person=person, status=Status.ACTIVE).exists():
        raise ValidationError({"person": _("%(name)s is already in this village's reserve pool")
                               % {"name": person.name}})


def reserve_add(
    *, acting_user: Any, person: Person, region: Region, source: str | None = None, posts: Iterable[str],
    added_on: date | None = None,
) -> Reserve:
    """A person from the roster into a village's pool. The source defaults to the person's own."""
    posts = list(dict.fromkeys(posts))
    source = source or person.source
    added_on = added_on or timezone.localdate()
    _validate(person, region, source, posts, added_on, acting_user)
    reserve = Reserve(person=person, region=region, source=source, posts=posts, added_on=added_on,
                      created_by=acting_user if getattr(acting_user, "pk", None) else None)
    try:
        with transaction.atomic():
            reserve.save()
            audit_record("reserve.add", obj=reserve, region_code=region.code, user=acting_user,
                         changes={"person": [None, person.pk], "source": [None, source], "posts": [None, posts],
                                  "added_on": [None, str(added_on)]})
    except IntegrityError as exc:  # the same person added twice at the same moment
        raise ValidationError({"person": _("%(name)s is already in this village's reserve pool")
                               % {"name": person.name}}) from exc
    return reserve


def reserve_add_new_person(
    *, acting_user: Any, id_number: str, person_data: dict[str, Any], region: Region, source: str | None = None,
    posts: Iterable[str], added_on: date | None = None,
) -> Reserve:
    """Someone not yet on the roster: created through the roster's own service, then added; both or neither."""
    with transaction.atomic():
        person = people_services.person_create(acting_user=acting_user, id_number=id_number,
                                               **{**person_data, "region": person_data.get("region") or region})
        return reserve_add(acting_user=acting_user, person=person, region=region, source=source or person.source,
                           posts=posts, added_on=added_on)


def reserve_set_status(*, acting_user: Any, reserve: Reserve, status: str, reason: str = "") -> Reserve:
    """Active → appointed, or active → withdrawn (with a reason)."""
    _require(acting_user, reserve.region_id)
    reason = reason.strip()
    if status not in (Status.APPOINTED, Status.WITHDRAWN):
        raise ValidationError({"status": _("a reserve can be marked appointed or withdrawn")})
    if status == Status.WITHDRAWN and not reason:
        raise ValidationError({"reason": _("say why the reserve is withdrawn")})
    with transaction.atomic():
        fresh = Reserve.objects.select_for_update().get(pk=reserve.pk)
        if fresh.status != Status.ACTIVE:
            raise ValidationError(_("only an active reserve can be marked appointed or withdrawn"))
        before = fresh.status
        reserve.status, reserve.status_reason = status, reason
        reserve.status_changed_on = timezone.localdate()
        reserve.save(update_fields=["status", "status_reason", "status_changed_on"])
        audit_record("reserve.status", obj=reserve, region_code=reserve.region_id, user=acting_user,
                     changes={"status": [before, status], **({"reason": [None, reason]} if reason else {})})
    return reserve


def merit_add(
    *, acting_user: Any, reserve: Reserve, task: str, description: str, done_on: date, upload: Any = None,
) -> Merit:
    """A merit record, with an evidence file if given (PDF, JPEG or PNG by its bytes, at most 10 MB)."""
    _require(acting_user, reserve.region_id)
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if task not in Merit.Task.values:
        errors.setdefault("task", []).append(_("choose the urgent task"))
    if not description:
        errors.setdefault("description", []).append(_("say what the person did"))
    if done_on > timezone.localdate():
        errors.setdefault("done_on", []).append(_("the date is in the future"))
    if errors:
        raise ValidationError(errors)
    merit = Merit(reserve=reserve, task=task, description=description, done_on=done_on,
                  created_by=acting_user if getattr(acting_user, "pk", None) else None)
    if upload is not None:
        merit.evidence_type, extension = evidence.check(upload)
        merit.evidence_name = (getattr(upload, "name", "") or "")[-200:]
        merit.evidence_size = upload.size
    stored = ""
    try:
        with transaction.atomic():
            if upload is not None:
                stored = merit.evidence_path = evidence.store(upload, extension)
            merit.save()
            audit_record("reserve.merit_add", obj=merit, region_code=reserve.region_id, user=acting_user,
                         changes={"reserve": [None, reserve.pk], "task": [None, task], "done_on": [None, str(done_on)],
                                  **({"evidence": [None, merit.evidence_name]} if stored else {})})
    except BaseException:
        if stored:
            evidence.remove(stored)  # nothing half-done: no file without its row
        raise
    return merit


MAX_PER_POST = 20


def pool_target_set(*, acting_user: Any, region: Region, per_post: int, effective_from: date, note: str = "") -> PoolTarget:
    """A new target row for the villages under `region` (its significant prefix), from a day on. Rows are
    never edited: a change is a new row with a later date, so the targets of the past stay as they were."""
    if acting_user is not None:
        prefix = user_prefix(acting_user, "manage_pool_targets")
        if prefix is None or not in_prefix(region.code, prefix):
            raise ValidationError({"region": _("this region is outside your jurisdiction")})
    errors: dict[str, list[str]] = {}
    if not 0 <= per_post <= MAX_PER_POST:
        errors.setdefault("per_post", []).append(
            _("reserves per post must be between 0 and %(n)d") % {"n": MAX_PER_POST})
    if PoolTarget.objects.filter(prefix=region.prefix, effective_from=effective_from).exists():
        errors.setdefault("effective_from", []).append(
            _("this region already has a target taking effect on that day"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target = PoolTarget.objects.create(prefix=region.prefix, per_post=per_post, effective_from=effective_from,
                                           note=note.strip()[:200])
        audit_record("reserve.target_set", obj=target, region_code=region.code, user=acting_user,
                     changes={"prefix": [None, target.prefix], "per_post": [None, per_post],
                              "effective_from": [None, str(effective_from)]})
    return target
