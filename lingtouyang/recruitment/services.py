"""Every change to a recruitment campaign goes through these functions: validate, save, write the audit
row, in one transaction. A campaign's state changes only along TRANSITIONS, checked by `MACHINE`
(the one state machine); each move records who made it and when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core import crypto
from lingtouyang.core.scope import in_prefix
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.people import rules as people_rules
from lingtouyang.people import services as people_services
from lingtouyang.people.codes import EDUCATION_CHOICES, Post, Source
from lingtouyang.people.idnumber import IdNumberError, parse_id_number
from lingtouyang.people.models import Appointment, Person
from lingtouyang.recruitment import eligibility, ranking, workdays
from lingtouyang.recruitment.models import (
    Application,
    CalendarDay,
    Campaign,
    CampaignPost,
    Duty,
    NoticePolicy,
    Objection,
)
from lingtouyang.regions.models import Level, Region
from lingtouyang.review.selectors import CLEARED, FAILED, clearance

State = Campaign.State
# The state machine: every allowed move, and nothing else. Any state not final may be cancelled.
FINAL = {State.HIRED, State.CANCELLED}
TRANSITIONS = {
    (State.DRAFT, State.OPEN), (State.OPEN, State.SCREENING), (State.SCREENING, State.EXAMINING),
    (State.EXAMINING, State.NOTICE), (State.NOTICE, State.HIRED),
    *((s, State.CANCELLED) for s in State.values if s not in FINAL),
}
CAMPAIGN_FIELDS = ["name", "reference_date", "max_age", "min_education", "required_sources",
                   "party_member_required", "manual_conditions", "written_weight", "interview_weight",
                   "interview_ratio", "notice_workdays", "duties", "term"]
SCORE_MAX = Decimal(100)
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a campaign that is “%(state)s” cannot become “%(to)s”"))








def _move(campaign: Campaign, to: str, acting_user: Any, fields: list[str], changes: dict[str, Any]) -> None:
    """Saves a checked transition with who and when, and audits it."""
    before = campaign.state
    campaign.state = to
    campaign.state_changed_at = timezone.now()
    campaign.state_changed_by = acting_user
    campaign.save(update_fields=["state", "state_changed_at", "state_changed_by", *fields])
    audit_record(f"recruitment.campaign_{to}", obj=campaign, region_code=campaign.region_id, user=acting_user,
                 changes={"state": [before, to], **changes})


def _in_state(campaign: Campaign, state: str, message: str) -> None:
    if campaign.state != state:
        raise ValidationError(message)


# --- policy and calendar ----------------------------------------------------------------------


def min_notice_workdays(on: date) -> int:
    policy = NoticePolicy.objects.current(on)
    return policy.min_workdays if policy else 0


def calendar_day_set(*, acting_user: Any, day: date, is_workday: bool, note: str = "") -> CalendarDay:
    """Records an exception to the Monday–Friday week (a holiday, or a weekend worked)."""
    if acting_user is not None and not acting_user.has_capability("manage_rules"):
        raise ValidationError(_("this is outside your jurisdiction"))
    with transaction.atomic():
        found = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = [found.is_workday, found.note] if found else None
        row, _created = CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": is_workday,
                                                                                  "note": note.strip()[:100]})
        audit_record("recruitment.calendar_set", obj=row, user=acting_user,
                     changes={"date": str(day), "day": [before, [is_workday, row.note]]})
    return row


def calendar_day_remove(*, acting_user: Any, day: CalendarDay) -> None:
    if acting_user is not None and not acting_user.has_capability("manage_rules"):
        raise ValidationError(_("this is outside your jurisdiction"))
    with transaction.atomic():
        audit_record("recruitment.calendar_remove", obj=day, user=acting_user,
                     changes={"date": str(day.date), "day": [[day.is_workday, day.note], None]})
        day.delete()


# --- campaigns --------------------------------------------------------------------------------


def _validate_campaign(campaign: Campaign) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not campaign.name.strip():
        add("name", _("a name is required"))
    if campaign.written_weight + campaign.interview_weight != 100:
        add("interview_weight", _("the written exam and interview weights must add up to 100%% (now %(sum)d%%)")
            % {"sum": campaign.written_weight + campaign.interview_weight})
    minimum = min_notice_workdays(timezone.localdate())
    if campaign.notice_workdays < minimum:
        add("notice_workdays", _("the public notice must last at least %(min)d working days (policy); "
                                 "%(n)d is too short") % {"min": minimum, "n": campaign.notice_workdays})
    if campaign.max_age is not None and not people_rules.MIN_AGE <= campaign.max_age <= people_rules.MAX_AGE:
        add("max_age", _("a maximum age between %(low)d and %(high)d") % {
            "low": people_rules.MIN_AGE, "high": people_rules.MAX_AGE})
    if campaign.min_education and campaign.min_education not in dict(EDUCATION_CHOICES):
        add("min_education", _("no such education level"))
    if any(s not in Source.values for s in campaign.required_sources):
        add("required_sources", _("no such source"))
    if any(d not in Duty.values for d in campaign.duties):
        add("duties", _("no such duty"))
    if campaign.interview_ratio is not None and campaign.interview_ratio < 1:
        add("interview_ratio", _("at least one candidate per place"))
    if errors:
        raise ValidationError(errors)


def _campaign_values(campaign: Campaign) -> dict[str, Any]:
    return {f: (str(v) if isinstance(v, date) else v) for f in CAMPAIGN_FIELDS if (v := getattr(campaign, f)) is not None}


def campaign_create(*, acting_user: Any, region: Region, name: str, reference_date: date, **data: Any) -> Campaign:
    require_in_scope(acting_user, "run_recruitment", region.code)
    if region.level != Level.COUNTY:
        raise ValidationError({"region": _("a campaign is run by a county")})
    campaign = Campaign(region=region, name=name.strip(), reference_date=reference_date, created_by=acting_user,
                        **{k: v for k, v in data.items() if k in CAMPAIGN_FIELDS})
    campaign.required_sources, campaign.duties = list(campaign.required_sources), list(campaign.duties)
    _validate_campaign(campaign)
    with transaction.atomic():
        campaign.save()
        audit_record("recruitment.campaign_create", obj=campaign, region_code=region.code, user=acting_user,
                     changes={k: [None, v] for k, v in _campaign_values(campaign).items()})
    return campaign


def campaign_update(*, acting_user: Any, campaign: Campaign, **data: Any) -> Campaign:
    """Only a draft is edited: once applications open, the conditions are what applicants applied under."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.DRAFT, _("only a draft campaign can be edited"))
        before = _campaign_values(campaign)
        for key, value in data.items():
            if key in CAMPAIGN_FIELDS:
                setattr(campaign, key, value.strip() if key == "name" else value)
        _validate_campaign(campaign)
        campaign.save()
        after = _campaign_values(campaign)
        audit_record("recruitment.campaign_update", obj=campaign, region_code=campaign.region_id, user=acting_user,
                     changes={k: [before.get(k), after.get(k)] for k in set(before) | set(after)
                              if before.get(k) != after.get(k)})
    return campaign


def campaign_post_add(*, acting_user: Any, campaign: Campaign, region: Region, post: str = Post.FULLTIME_DEPUTY,
                      places: int = 1) -> CampaignPost:
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    errors: dict[str, list[str]] = {}
    if region.level != Level.VILLAGE or not in_prefix(region.code, campaign.region.prefix):
        errors.setdefault("region", []).append(_("choose a village or community of this county"))
    elif problem := people_rules.post_problem(post, region.kind):
        errors.setdefault("post", []).append(problem)
    if post not in Post.values:
        errors.setdefault("post", []).append(_("no such post"))
    if places < 1:
        errors.setdefault("places", []).append(_("at least one place"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.DRAFT, _("posts can only be changed while the campaign is a draft"))
        if CampaignPost.objects.filter(campaign=campaign, region=region, post=post).exists():
            raise ValidationError({"region": _("this post in this village is already offered")})
        row = CampaignPost.objects.create(campaign=campaign, region=region, post=post, places=places)
        audit_record("recruitment.post_add", obj=campaign, region_code=campaign.region_id, user=acting_user,
                     changes={"post": [None, [region.code, post, places]]})
    return row


def campaign_post_remove(*, acting_user: Any, campaign_post: CampaignPost) -> None:
    campaign = campaign_post.campaign
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.DRAFT, _("posts can only be changed while the campaign is a draft"))
        audit_record("recruitment.post_remove", obj=campaign, region_code=campaign.region_id, user=acting_user,
                     changes={"post": [[campaign_post.region_id, campaign_post.post, campaign_post.places], None]})
        campaign_post.delete()


def campaign_open(*, acting_user: Any, campaign: Campaign) -> Campaign:
    """Draft → accepting applications."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    with transaction.atomic():
        lock_state(campaign)
        MACHINE.check(campaign, State.OPEN)
        if not campaign.posts.exists():
            raise ValidationError(_("offer at least one post before opening the campaign"))
        _validate_campaign(campaign)
        _move(campaign, State.OPEN, acting_user, [], {})
    return campaign


def campaign_screen(*, acting_user: Any, campaign: Campaign) -> Campaign:
    """Accepting → screening: applications close and the automatic check is run again on today's roster."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    with transaction.atomic():
        lock_state(campaign)
        MACHINE.check(campaign, State.SCREENING)
        applications = list(campaign.applications.select_related("person"))
        if not applications:
            raise ValidationError(_("no applications yet"))
        for a in applications:
            failures = eligibility.check(campaign, a.person)
            if failures != a.auto_failures:
                a.auto_failures = failures
                a.save(update_fields=["auto_failures"])
        _move(campaign, State.SCREENING, acting_user, [],
              {"applications": [None, len(applications)],
               "failed_automatic_check": [None, sum(1 for a in applications if a.auto_failures)]})
    return campaign


def campaign_examine(*, acting_user: Any, campaign: Campaign) -> Campaign:
    """Screening → examinations: every applicant who passed the automatic check has been checked by hand."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    with transaction.atomic():
        lock_state(campaign)
        MACHINE.check(campaign, State.EXAMINING)
        applications = list(campaign.applications.select_related("person"))
        if campaign.manual_condition_list:
            unchecked = [a.person.name for a in applications if not a.auto_failures and a.manual_passed is None]
            if unchecked:
                raise ValidationError(_("the conditions checked by hand are not yet recorded for: %(names)s")
                                      % {"names": "、".join(unchecked)})
        eligible = sum(1 for a in applications if a.eligible_for(campaign))
        if not eligible:
            raise ValidationError(_("no applicant is eligible"))
        _move(campaign, State.EXAMINING, acting_user, [], {"eligible": [None, eligible]})
    return campaign


def _entries(campaign: Campaign, applications: Iterable[Application]) -> list[ranking.Entry]:
    return [ranking.Entry(a.pk, a.campaign_post_id, a.eligible_for(campaign) and a.status == Application.Status.ACTIVE,
                          a.written_score, a.interview_score, a.submitted_on) for a in applications]


def _places(campaign: Campaign) -> dict[int, int]:
    return dict(campaign.posts.values_list("id", "places"))


def campaign_notice(*, acting_user: Any, campaign: Campaign, start: date) -> Campaign:
    """Examinations → public notice: the ranking proposes the hires, and the notice runs from `start` for
    the campaign's number of working days."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    with transaction.atomic():
        lock_state(campaign)
        MACHINE.check(campaign, State.NOTICE)
        minimum = min_notice_workdays(start)
        if campaign.notice_workdays < minimum:
            raise ValidationError(_("the public notice must last at least %(min)d working days (policy); "
                                    "%(n)d is too short") % {"min": minimum, "n": campaign.notice_workdays})
        applications = list(campaign.applications.select_related("person"))
        entries = _entries(campaign, applications)
        names = {a.pk: a.person.name for a in applications}
        missing_written = [names[e.id] for e in entries if e.eligible and e.written is None]
        if missing_written:
            raise ValidationError(_("written exam scores are missing for: %(names)s")
                                  % {"names": "、".join(missing_written)})
        invited = ranking.invited(entries, _places(campaign), campaign.interview_ratio)
        missing_interview = [names[e.id] for e in entries if e.id in invited and e.interview is None]
        if missing_interview:
            raise ValidationError(_("interview scores are missing for: %(names)s")
                                  % {"names": "、".join(missing_interview)})
        ranked = ranking.rank(entries, _places(campaign), campaign.written_weight, campaign.interview_weight)
        proposed = [r.entry.id for rows in ranked.values() for r in rows if r.proposed]
        if not proposed:
            raise ValidationError(_("no one can be proposed for hire"))
        Application.objects.filter(campaign=campaign, pk__in=proposed).update(proposed=True)
        campaign.notice_start = start
        campaign.notice_end = workdays.notice_end(start, campaign.notice_workdays)
        _move(campaign, State.NOTICE, acting_user, ["notice_start", "notice_end"],
              {"notice": [None, [str(start), str(campaign.notice_end)]], "proposed": [None, sorted(proposed)]})
    return campaign


def _term(campaign: Campaign, hire_date: date) -> int:
    if campaign.term:
        return campaign.term
    latest = Appointment.objects.within(campaign.region.prefix).aggregate(t=Max("term"))["t"]
    return latest or people_rules.term_for(hire_date)


def hire_list(campaign: Campaign) -> list[Application]:
    """Who the notice proposes and no upheld objection has withdrawn."""
    return list(campaign.applications.filter(proposed=True, status__in=[Application.Status.ACTIVE,
                                                                         Application.Status.HIRED])
                .select_related("person", "campaign_post__region").order_by("campaign_post__region_id", "id"))


def campaign_hire(*, acting_user: Any, campaign: Campaign, hire_date: date,
                  duties: Iterable[str] | None = None) -> list[Application]:
    """Public notice → hired: after the notice has ended, with every objection resolved and every hire
    cleared by the joint review. Each hire becomes an appointment on the roster."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    duties = list(campaign.duties if duties is None else duties)
    if any(d not in Duty.values for d in duties):
        raise ValidationError({"duties": _("no such duty")})
    if not duties:
        raise ValidationError({"duties": _("choose the hires' duties")})
    with transaction.atomic():
        lock_state(campaign)
        MACHINE.check(campaign, State.HIRED)
        if campaign.notice_end is None or hire_date <= campaign.notice_end:
            raise ValidationError(_("the public notice runs until %(end)s; hire after it has ended")
                                  % {"end": f"{campaign.notice_end:%Y-%m-%d}" if campaign.notice_end else "-"})
        if hire_date > timezone.localdate():
            raise ValidationError(_("the hire date is in the future"))
        pending = Objection.objects.filter(application__campaign=campaign,
                                           resolution=Objection.Resolution.PENDING).count()
        if pending:
            raise ValidationError(_("%(n)d objections are still unresolved; resolve them before hiring")
                                  % {"n": pending})
        hires = hire_list(campaign)
        if not hires:
            raise ValidationError(_("no one is left to hire"))
        found = clearance(a.person_id for a in hires)
        refused = []
        for a in hires:
            status = found[a.person_id].status if a.person_id in found else None
            if status != CLEARED:
                why = (_("failed the joint review") if status == FAILED else _("joint review not finished")
                       if status else _("never put through a joint review"))
                refused.append(f"{a.person.name}（{why}）")
        if refused:
            raise ValidationError(_("only people cleared by the joint review can be hired: %(names)s")
                                  % {"names": "、".join(refused)})
        term = _term(campaign, hire_date)
        for a in hires:
            a.appointment = people_services.appointment_create(
                acting_user=acting_user, person=a.person, region=a.campaign_post.region, post=a.campaign_post.post,
                start_date=hire_date, term=term)
            a.status, a.duties = Application.Status.HIRED, duties
            a.save(update_fields=["appointment", "status", "duties"])
        campaign.hired_on = hire_date
        _move(campaign, State.HIRED, acting_user, ["hired_on"],
              {"hired": [None, [a.pk for a in hires]], "duties": [None, duties], "term": [None, term],
               "hired_on": [None, str(hire_date)]})
    return hires


def campaign_cancel(*, acting_user: Any, campaign: Campaign, reason: str) -> Campaign:
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("say why the campaign is cancelled")})
    with transaction.atomic():
        lock_state(campaign)
        MACHINE.check(campaign, State.CANCELLED)
        campaign.cancel_reason = reason[:200]
        _move(campaign, State.CANCELLED, acting_user, ["cancel_reason"], {"reason": [None, campaign.cancel_reason]})
    return campaign


# --- applications -----------------------------------------------------------------------------


def _find_person(id_number: str) -> Person | None:
    try:
        info = parse_id_number(id_number)
    except IdNumberError:
        return None
    return Person.objects.filter(id_index=crypto.blind_index(info.number)).select_related("region").first()


def application_create(
    *, acting_user: Any, campaign: Campaign, campaign_post: CampaignPost, submitted_on: date,
    person: Person | None = None, id_number: str = "", person_data: dict[str, Any] | None = None,
) -> Application:
    """An applicant from the roster (`person`, or found by ID number), or added to the roster in the
    village applied for. The automatic eligibility check is recorded at once."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    if campaign_post.campaign_id != campaign.pk:
        raise ValidationError({"campaign_post": _("this post is not offered by this campaign")})
    if submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": _("the date is in the future")})
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.OPEN, _("applications are accepted only while the campaign is open"))
        if person is None and id_number:
            person = _find_person(id_number)
        if person is None:
            if not id_number:
                raise ValidationError({"id_number": _("an ID number is required")})
            person = people_services.person_create(acting_user=acting_user, id_number=id_number,
                                                   region=campaign_post.region, **(person_data or {}))
        if not in_prefix(person.region_id, campaign.region.prefix):
            # Not named: someone outside the county is outside the applicant's jurisdiction too.
            raise ValidationError({"id_number": _("the person with this ID number is not on this county's roster; "
                                                  "applications come from the county's own villages")})
        if person.region_id != campaign_post.region_id:
            raise ValidationError({"campaign_post": _(
                "%(name)s is registered in another village or community (%(village)s); apply for a post there, "
                "or change their village on the roster first") % {"name": person.name,
                                                                  "village": person.region.short_name}})
        if Application.objects.filter(campaign=campaign, person=person).exists():
            raise ValidationError({"id_number": _("%(name)s has already applied in this campaign")
                                   % {"name": person.name}})
        application = Application.objects.create(
            campaign=campaign, campaign_post=campaign_post, person=person, submitted_on=submitted_on,
            auto_failures=eligibility.check(campaign, person), created_by=acting_user)
        audit_record("recruitment.application_create", obj=application, region_code=campaign.region_id,
                     user=acting_user, changes={"campaign": [None, campaign.pk], "person": [None, person.pk],
                                                "post": [None, campaign_post.pk], "submitted_on": [None, str(submitted_on)],
                                                "automatic_check": [None, application.auto_failures]})
    return application


def application_check(*, acting_user: Any, application: Application, passed: bool, reason: str = "") -> Application:
    """The county's verdict on the conditions checked by hand."""
    campaign = application.campaign
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    reason = reason.strip()
    if not passed and not reason:
        raise ValidationError({"reason": _("a fail needs a reason")})
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.SCREENING, _("conditions are checked only during screening"))
        before = [application.manual_passed, application.manual_reason]
        application.manual_passed, application.manual_reason = passed, reason[:500]
        application.manual_by = acting_user
        application.save(update_fields=["manual_passed", "manual_reason", "manual_by"])
        audit_record("recruitment.application_check", obj=application, region_code=campaign.region_id,
                     user=acting_user, changes={"manual": [before, [passed, application.manual_reason]]})
    return application


def parse_score(raw: Any) -> Decimal:
    """A score 0–100 with at most two decimals, or a ValidationError saying what is wrong."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("“%(value)s” is not a score") % {"value": raw}) from exc
    if not value.is_finite() or not Decimal(0) <= value <= SCORE_MAX:
        raise ValidationError(_("a score is between 0 and 100 (got %(value)s)") % {"value": raw})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("a score has at most two decimals (got %(value)s)") % {"value": raw})
    return value.quantize(Decimal("0.01"))


def _invited_ids(campaign: Campaign) -> tuple[set[int], set[int]]:
    """(invited to interview, posts whose written scores are all in)."""
    applications = list(campaign.applications.all())
    entries = _entries(campaign, applications)
    complete = {e.post_id for e in entries} - {e.post_id for e in entries if e.eligible and e.written is None}
    return ranking.invited(entries, _places(campaign), campaign.interview_ratio), complete


def score_record(*, acting_user: Any, application: Application, written: Any = None,
                 interview: Any = None) -> Application:
    """A written exam and/or interview score. With an interview ratio, the interview is for those the
    written scores invite, so those come first."""
    campaign = application.campaign
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Decimal] = {}
    for field, raw in (("written_score", written), ("interview_score", interview)):
        if raw is None or raw == "":
            continue
        try:
            values[field] = parse_score(raw)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if not values:
        raise ValidationError(_("enter a written exam or interview score"))
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.EXAMINING, _("scores are recorded only during the examinations"))
        application.refresh_from_db()
        if not application.eligible_for(campaign):
            raise ValidationError(_("%(name)s is not eligible; no scores are recorded")
                                  % {"name": application.person.name})
        before = {f: application.__dict__[f] for f in values}
        for field, value in values.items():
            setattr(application, field, value)
        application.save(update_fields=list(values))
        if "interview_score" in values and campaign.interview_ratio:
            invited, complete = _invited_ids(campaign)
            if application.campaign_post_id not in complete:
                raise ValidationError(_("record every written exam score for this post before the interviews"))
            if application.pk not in invited:
                raise ValidationError(_("%(name)s is not among the %(n)d per place invited to the interview")
                                      % {"name": application.person.name, "n": campaign.interview_ratio})
        audit_record("recruitment.score", obj=application, region_code=campaign.region_id, user=acting_user,
                     changes={f: [None if before[f] is None else str(before[f]), str(v)] for f, v in values.items()})
    return application


@dataclass
class RowError:
    row: int
    reason: str


class ScoreImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


SCORE_HEADERS = ("ID number or application number", "written", "interview")


def _read_score_rows(path: Path | str) -> list[tuple[int, list[Any]]]:
    import python_calamine

    from lingtouyang.people.importer import FileRejected, _inspect_package

    try:
        # The roster importer's guard: not a workbook, formulas, too many rows, a zip bomb.
        _inspect_package(Path(path))
    except FileRejected as exc:
        raise ScoreImportRejected([RowError(0, exc.reason)]) from exc
    try:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.to_python()
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ScoreImportRejected([RowError(0, _("This .xlsx file is damaged or not a workbook."))]) from exc
    return [(n, row) for n, row in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in row)]


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def scores_import(*, acting_user: Any, campaign: Campaign, path: Path | str) -> int:
    """Scores from an .xlsx file: a header row, then ID number or application number | written | interview.
    All or nothing: every bad row is reported by its row number and nothing is saved."""
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    rows = _read_score_rows(path)
    if not rows:
        raise ScoreImportRejected([RowError(0, _("The file has headers but no rows to import."))])
    applications = list(campaign.applications.select_related("person"))
    by_number = {a.number: a for a in applications}
    by_person = {a.person_id: a for a in applications}
    errors: list[RowError] = []
    parsed: list[tuple[int, Application, str, str]] = []
    seen: set[int] = set()
    for n, row in rows:
        row = [*row, None, None, None][:3]
        key, written, interview = (_cell_text(v) for v in row)
        application = by_number.get(key)
        if application is None and len(key) >= 15:
            person = _find_person(key)
            application = by_person.get(person.pk) if person else None
        if application is None:
            errors.append(RowError(n, _("no application in this campaign has the number or ID number “%(key)s”")
                                   % {"key": key if len(key) < 15 else key[:6] + "…"}))
            continue
        if application.pk in seen:
            errors.append(RowError(n, _("%(name)s appears more than once") % {"name": application.person.name}))
            continue
        seen.add(application.pk)
        for raw in (written, interview):
            if raw:
                try:
                    parse_score(raw)
                except ValidationError as exc:
                    errors.append(RowError(n, exc.messages[0]))
        parsed.append((n, application, written, interview))
    if errors:
        raise ScoreImportRejected(errors)
    try:
        with transaction.atomic():
            # Written scores first: they decide who is invited to the interview.
            for field in ("written", "interview"):
                for n, application, written, interview in parsed:
                    value = written if field == "written" else interview
                    if not value:
                        continue
                    try:
                        score_record(acting_user=acting_user, application=application, **{field: value})
                    except ValidationError as exc:
                        errors.append(RowError(n, "；".join(exc.messages)))
            if errors:
                raise ScoreImportRejected(sorted(errors, key=lambda e: e.row))
            audit_record("recruitment.scores_import", obj=campaign, region_code=campaign.region_id,
                         user=acting_user, changes={"rows": len(parsed)})
    except ScoreImportRejected:
        for _n, application, _w, _i in parsed:
            application.refresh_from_db()
        raise
    return len(parsed)


# --- the public notice ------------------------------------------------------------------------


def objection_record(*, acting_user: Any, application: Application, raised_by: str, content: str,
                     raised_on: date) -> Objection:
    campaign = application.campaign
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    errors: dict[str, list[str]] = {}
    if not raised_by.strip():
        errors.setdefault("raised_by", []).append(_("say who raised the objection"))
    if not content.strip():
        errors.setdefault("content", []).append(_("record what the objection says"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.NOTICE, _("objections are recorded during the public notice"))
        assert campaign.notice_start is not None and campaign.notice_end is not None
        if not campaign.notice_start <= raised_on <= campaign.notice_end:
            raise ValidationError({"raised_on": _("the notice runs from %(start)s to %(end)s") % {
                "start": f"{campaign.notice_start:%Y-%m-%d}", "end": f"{campaign.notice_end:%Y-%m-%d}"}})
        if not application.proposed or application.status != Application.Status.ACTIVE:
            raise ValidationError({"application": _("objections concern the people on the notice")})
        objection = Objection.objects.create(application=application, raised_by=raised_by.strip()[:100],
                                             content=content.strip(), raised_on=raised_on, recorded_by=acting_user)
        audit_record("recruitment.objection_record", obj=objection, region_code=campaign.region_id,
                     user=acting_user, changes={"application": [None, application.pk],
                                                "raised_by": [None, objection.raised_by],
                                                "raised_on": [None, str(raised_on)]})
    return objection


def objection_resolve(*, acting_user: Any, objection: Objection, upheld: bool, reason: str) -> Objection:
    """Upheld: the applicant is withdrawn from the hire list, for the reason given. Dismissed: they stay."""
    application = objection.application
    campaign = application.campaign
    require_in_scope(acting_user, "run_recruitment", campaign.region_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("give the reason for the decision")})
    with transaction.atomic():
        lock_state(campaign)
        _in_state(campaign, State.NOTICE, _("objections are resolved during the public notice"))
        objection.refresh_from_db()
        if objection.resolution != Objection.Resolution.PENDING:
            raise ValidationError(_("this objection has already been resolved"))
        objection.resolution = Objection.Resolution.UPHELD if upheld else Objection.Resolution.DISMISSED
        objection.resolution_reason, objection.resolved_by = reason[:500], acting_user
        objection.resolved_at = timezone.now()
        objection.save(update_fields=["resolution", "resolution_reason", "resolved_by", "resolved_at"])
        changes: dict[str, Any] = {"resolution": [Objection.Resolution.PENDING, objection.resolution],
                                   "reason": [None, objection.resolution_reason]}
        if upheld and application.status == Application.Status.ACTIVE:
            application.status, application.withdrawn_reason = Application.Status.WITHDRAWN, reason[:500]
            application.save(update_fields=["status", "withdrawn_reason"])
            changes["application_status"] = [Application.Status.ACTIVE, Application.Status.WITHDRAWN]
        audit_record("recruitment.objection_resolve", obj=objection, region_code=campaign.region_id,
                     user=acting_user, changes=changes)
    return objection
