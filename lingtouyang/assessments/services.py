"""Every change to an assessment goes through these functions: validate, save, write the audit row, in one
transaction. A county (`manage_assessment_scheme`) defines the year's scheme; a township officer
(`enter_scores`, their township) enters scores, by hand or from a list, and the township's grades are
recomputed set-based after each entry (`results_compute`); the township submits, the county
(`approve_assessment`) approves or returns and publishes; a cadre appeals their published grade and the
county decides. Who is assessed: the people holding a two-committee post in the county on the assessment
day (the year's last day, or today during the year).

A township's results move together along TRANSITIONS (draft → submitted → approved → published; submitted
→ draft when the county returns them). Submission is refused while a score is missing or while more 优秀
stand without an override than the cap allows (`engine.quota_breached`): the officer lowers a grade or
gives each excess 优秀 an override with its reason, which the county sees when approving."""

# ruff: noqa: S608 - the set-based statements name tables from the models; every value is a parameter
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.assessments import engine
from lingtouyang.assessments.models import (
    CRITICISM_KINDS,
    GRADE_RANK,
    Appeal,
    AppealState,
    Component,
    ComponentKind,
    Consequence,
    ConsequenceKind,
    Grade,
    Result,
    ResultState,
    Scheme,
    Score,
)
from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import code_bounds
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.elections.figures import TWO_COMMITTEE_POSTS
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Level, Region

SCHEME_FIELDS = ["weight_regular", "weight_special", "weight_annual", "band_excellent", "band_competent",
                 "band_basic", "excellent_cap"]
# A township's results move together; (from, to) for each action.
TRANSITIONS = {
    "submit": (ResultState.DRAFT, ResultState.SUBMITTED),
    "return": (ResultState.SUBMITTED, ResultState.DRAFT),
    "approve": (ResultState.SUBMITTED, ResultState.APPROVED),
    "publish": (ResultState.APPROVED, ResultState.PUBLISHED),
}
ACTION_CAPABILITY = {"submit": "enter_scores", "return": "approve_assessment", "approve": "approve_assessment",
                     "publish": "approve_assessment"}
CHUNK = 2_000
INT = "CAST(%s AS INTEGER)"


def _by(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def assessment_day(year: int) -> date:
    """The day whose post holders are assessed: the year's last day, or today while the year runs."""
    return min(timezone.localdate(), date(year, 12, 31))


def assessed_appointments(prefix: str, year: int) -> Any:
    return (Appointment.objects.within(prefix).current(assessment_day(year))
            .filter(post__in=TWO_COMMITTEE_POSTS))


def assessed_regions(prefix: str, year: int) -> dict[int, str]:
    """person id → village, for everyone assessed within `prefix` (one grouped query)."""
    from django.db.models import Min

    return dict(assessed_appointments(prefix, year).values("person_id").annotate(r=Min("region_id"))
                .values_list("person_id", "r"))


# --- the scheme ----------------------------------------------------------------------------------------


def _validate_scheme(scheme: Scheme) -> None:
    errors: dict[str, list[str]] = {}
    weights = [scheme.weight_regular, scheme.weight_special, scheme.weight_annual]
    if any(w is None or w < 0 for w in weights) or sum(w or 0 for w in weights) != 100:
        errors.setdefault("weight_annual", []).append(_("the three weights must add up to 100"))
    bands = [scheme.band_excellent, scheme.band_competent, scheme.band_basic]
    if any(b is None or not Decimal(0) <= Decimal(b) <= Decimal(100) for b in bands):
        errors.setdefault("band_basic", []).append(_("each band starts at a score between 0 and 100"))
    elif not Decimal(scheme.band_excellent) > Decimal(scheme.band_competent) > Decimal(scheme.band_basic):
        errors.setdefault("band_competent", []).append(
            _("the bands must descend: excellent above competent above basically competent"))
    if scheme.excellent_cap is None or not 0 <= scheme.excellent_cap <= 100:
        errors.setdefault("excellent_cap", []).append(_("a share between 0% and 100%"))
    if scheme.year is None or not 2000 <= scheme.year <= 2100:
        errors.setdefault("year", []).append(_("a year between 2000 and 2100"))
    if errors:
        raise ValidationError(errors)


def _require_no_scores(scheme: Scheme) -> None:
    if Score.objects.filter(component__scheme=scheme).exists():
        raise ValidationError(_("scores have been entered under this scheme: it can no longer be changed"))


def scheme_create(*, acting_user: Any, region: Region, year: int, **data: Any) -> Scheme:
    require_in_scope(acting_user, "manage_assessment_scheme", region.code)
    if region.level != Level.COUNTY:
        raise ValidationError({"region": _("a scheme belongs to a county")})
    scheme = Scheme(region=region, year=year, created_by=_by(acting_user),
                    **{k: v for k, v in data.items() if k in SCHEME_FIELDS})
    _validate_scheme(scheme)
    if Scheme.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": _("this county already has a scheme for this year")})
    with transaction.atomic():
        scheme.save()
        audit_record("assessment.scheme_create", obj=scheme, region_code=region.code, user=acting_user,
                     changes={"year": [None, year], **{k: [None, str(getattr(scheme, k))] for k in SCHEME_FIELDS}})
    return scheme


def scheme_update(*, acting_user: Any, scheme: Scheme, **data: Any) -> Scheme:
    """Changes the weights, bands or cap while no score exists; refused after (the grades depend on them)."""
    require_in_scope(acting_user, "manage_assessment_scheme", scheme.region_id)
    before = {k: getattr(scheme, k) for k in SCHEME_FIELDS}
    for key, value in data.items():
        if key in SCHEME_FIELDS:
            setattr(scheme, key, value)
    try:
        _validate_scheme(scheme)
        with transaction.atomic():
            Scheme.objects.select_for_update().filter(pk=scheme.pk).get()
            _require_no_scores(scheme)
            scheme.save(update_fields=SCHEME_FIELDS)
            audit_record("assessment.scheme_update", obj=scheme, region_code=scheme.region_id, user=acting_user,
                         changes={k: [str(before[k]), str(getattr(scheme, k))] for k in SCHEME_FIELDS
                                  if before[k] != getattr(scheme, k)})
    except ValidationError:
        scheme.refresh_from_db()
        raise
    return scheme


def component_add(*, acting_user: Any, scheme: Scheme, kind: str, name: str, task: str = "") -> Component:
    require_in_scope(acting_user, "manage_assessment_scheme", scheme.region_id)
    name, task = name.strip(), task.strip()
    errors: dict[str, list[str]] = {}
    if kind not in ComponentKind.values:
        errors["kind"] = [_("choose one of the list")]
    if not name:
        errors["name"] = [_("a name is required")]
    if kind == ComponentKind.SPECIAL and not task:
        errors["task"] = [_("a special assessment names its task")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Scheme.objects.select_for_update().filter(pk=scheme.pk).get()
        _require_no_scores(scheme)
        if scheme.components.filter(name=name).exists():
            raise ValidationError({"name": _("this scheme already has a component of this name")})
        position = scheme.components.count() + 1
        component = Component.objects.create(scheme=scheme, kind=kind, name=name, task=task, position=position)
        audit_record("assessment.component_add", obj=component, region_code=scheme.region_id, user=acting_user,
                     changes={"scheme": [None, scheme.pk], "kind": [None, kind], "name": [None, name],
                              "task": [None, task]})
    return component


def component_remove(*, acting_user: Any, component: Component) -> None:
    scheme = component.scheme
    require_in_scope(acting_user, "manage_assessment_scheme", scheme.region_id)
    with transaction.atomic():
        Scheme.objects.select_for_update().filter(pk=scheme.pk).get()
        _require_no_scores(scheme)
        audit_record("assessment.component_remove", obj=component, region_code=scheme.region_id,
                     user=acting_user, changes={"name": [component.name, None]})
        component.delete()


def scheme_ready(scheme: Scheme) -> str:
    """Why scores cannot be entered yet ('' when they can): a weighted kind with no component."""
    counts = dict(scheme.components.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    missing = [str(ComponentKind(k).label) for k, w in scheme.weights.items() if w > 0 and not counts.get(k)]
    if missing:
        return _("add at least one component of each weighted kind first (missing: %(kinds)s)") % {
            "kinds": ", ".join(missing)}
    return ""


# --- scores and the set-based computation ---------------------------------------------------------------


def _township(scheme: Scheme, township: Region) -> None:
    if township.level != Level.TOWNSHIP or not township.code.startswith(scheme.region_id[:6]):
        raise ValidationError(_("choose a township of the scheme's county"))


def scores_record(*, acting_user: Any, scheme: Scheme, township: Region,
                  entries: Sequence[tuple[int, int, int | None]], via: str = "hand") -> int:
    """Records (person id, component id, points or None to clear) for people assessed in the township, all
    or nothing, then recomputes the township's grades. Refused whole, naming the problem, when a component
    is not the scheme's, a person is not assessed here, a result is no longer a draft or a score is out
    of range."""
    require_in_scope(acting_user, "enter_scores", township.code)
    _township(scheme, township)
    if reason := scheme_ready(scheme):
        raise ValidationError(reason)
    components = set(scheme.components.values_list("id", flat=True))
    people = assessed_regions(township.prefix, scheme.year)
    problems: list[str] = []
    for person_id, component_id, points in entries:
        if component_id not in components:
            problems.append(_("no such component in this scheme"))
        elif person_id not in people:
            problems.append(_("person %(id)s is not assessed in this township") % {"id": person_id})
        elif points is not None and not 0 <= points <= engine.MAX_POINTS:
            problems.append(_("a score is between 0 and 100"))
    if problems:
        raise ValidationError(sorted(set(problems)))
    with transaction.atomic():
        # The township's results, locked: a submission in between would otherwise miss these scores.
        person_ids = sorted({e[0] for e in entries})
        locked: list[tuple[int, str]] = []
        for i in range(0, len(person_ids), CHUNK):
            locked += list(Result.objects.select_for_update().filter(year=scheme.year, person_id__in=person_ids[i:i + CHUNK])
                           .values_list("person_id", "state"))
        if any(state != ResultState.DRAFT for _p, state in locked):
            raise ValidationError(_("the township's results are no longer drafts: scores cannot change"))
        now, by = timezone.now(), _by(acting_user)
        keep = [Score(component_id=c, person_id=p, region_id=people[p], points=v, entered_by=by, updated_at=now)
                for p, c, v in entries if v is not None]
        Score.objects.bulk_create(keep, batch_size=1_000, update_conflicts=True,
                                  unique_fields=["component", "person"],
                                  update_fields=["points", "entered_by", "updated_at", "region"])
        cleared = Q(pk__in=[])
        for p, c, v in entries:
            if v is None:
                cleared |= Q(person_id=p, component_id=c)
        removed = Score.objects.filter(cleared).delete()[0] if any(v is None for *_x, v in entries) else 0
        results_compute(scheme, township.prefix)
        audit_record("assessment.scores_record", obj=scheme, region_code=township.code, user=acting_user,
                     changes={"via": via, "recorded": len(keep), "cleared": removed})
    return len(keep)


def _grade_case(h: str, scheme: Scheme) -> tuple[str, list[Any]]:
    bands = [engine.to_points(scheme.band_excellent), engine.to_points(scheme.band_competent),
             engine.to_points(scheme.band_basic)]
    sql = f"CASE WHEN {h} >= %s THEN %s WHEN {h} >= %s THEN %s WHEN {h} >= %s THEN %s ELSE %s END"
    return sql, [bands[0], Grade.EXCELLENT, bands[1], Grade.COMPETENT, bands[2], Grade.BASIC, Grade.INCOMPETENT]


def results_compute(scheme: Scheme, prefix: str) -> None:
    """The draft results of everyone assessed within `prefix`, in three statements whatever the number of
    people: missing result rows inserted from the current posts; rows without every score cleared; the rest
    updated from one grouped read of the scores (`engine`'s integer formula). A grade the township lowered,
    and an override, stand while the computed grade stays the same."""
    counts = dict(scheme.components.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    if not counts:
        return
    coefs, divisor = engine.coefficients(counts, scheme.weights)
    total = sum(counts.values())
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    day, now = assessment_day(scheme.year), timezone.now()
    result, score, component = Result._meta.db_table, Score._meta.db_table, Component._meta.db_table
    appointment = Appointment._meta.db_table
    posts = ", ".join(["%s"] * len(TWO_COMMITTEE_POSTS))
    complete = (f"SELECT sc.person_id FROM {score} sc JOIN {component} c ON c.id = sc.component_id "
                f"WHERE c.scheme_id = %s AND sc.region_id BETWEEN %s AND %s GROUP BY sc.person_id "
                f"HAVING COUNT(*) = %s")
    # Integer casts: every term stays an integer, so "/" is integer division on SQLite and PostgreSQL alike.
    weighted = (f"SELECT sc.person_id AS pid, (2 * SUM(CASE c.kind WHEN %s THEN {INT} WHEN %s THEN {INT} "
                f"ELSE {INT} END * sc.points) + {INT}) / (2 * {INT}) AS h FROM {score} sc JOIN {component} c ON c.id = sc.component_id "
                f"WHERE c.scheme_id = %s AND sc.region_id BETWEEN %s AND %s GROUP BY sc.person_id "
                f"HAVING COUNT(*) = %s")
    weighted_params = [ComponentKind.REGULAR, coefs[ComponentKind.REGULAR], ComponentKind.SPECIAL,
                       coefs[ComponentKind.SPECIAL], coefs[ComponentKind.ANNUAL], divisor, divisor,
                       scheme.pk, low, high, total]
    grade_sql, grade_params = _grade_case("s.h", scheme)
    same = f"{result}.computed_grade = ({grade_sql})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {result} (person_id, region_id, year, scheme_id, state, grade, computed_grade, "
            f"grade_note, quota_override, created_at, updated_at) "
            f"SELECT a.person_id, MIN(a.region_id), %s, %s, %s, '', '', '', '', %s, %s FROM {appointment} a "
            f"WHERE a.region_id BETWEEN %s AND %s AND a.post IN ({posts}) AND a.start_date <= %s "
            f"AND (a.end_date IS NULL OR a.end_date > %s) AND NOT EXISTS (SELECT 1 FROM {result} r "
            f"WHERE r.person_id = a.person_id AND r.year = %s) GROUP BY a.person_id",
            [scheme.year, scheme.pk, ResultState.DRAFT, now, now, low, high, *TWO_COMMITTEE_POSTS, day, day,
             scheme.year])
        cursor.execute(
            f"UPDATE {result} SET score = NULL, computed_grade = '', grade = '', grade_note = '', "
            f"quota_override = '', scheme_id = %s, updated_at = %s WHERE region_id BETWEEN %s AND %s AND year = %s "
            f"AND state = %s AND person_id NOT IN ({complete})",
            [scheme.pk, now, low, high, scheme.year, ResultState.DRAFT, scheme.pk, low, high, total])
        cursor.execute(
            f"UPDATE {result} SET score = s.h / 100.0, scheme_id = %s, updated_at = %s, "
            f"grade = CASE WHEN {same} THEN {result}.grade ELSE ({grade_sql}) END, "
            f"grade_note = CASE WHEN {same} THEN {result}.grade_note ELSE '' END, "
            f"quota_override = CASE WHEN {same} THEN {result}.quota_override ELSE '' END, "
            f"computed_grade = ({grade_sql}) FROM ({weighted}) s "
            f"WHERE {result}.person_id = s.pid AND {result}.year = %s AND {result}.state = %s "
            f"AND {result}.region_id BETWEEN %s AND %s",
            [scheme.pk, now, *grade_params, *grade_params, *grade_params, *grade_params, *grade_params,
             *weighted_params, scheme.year, ResultState.DRAFT, low, high])


# --- the township's grades: lowering, overrides, the workflow ----------------------------------------


def _draft_result(acting_user: Any, result: Result) -> Result:
    require_in_scope(acting_user, "enter_scores", result.region_id)
    fresh = Result.objects.select_for_update().get(pk=result.pk)
    if fresh.state != ResultState.DRAFT:
        raise ValidationError(_("this result is no longer a draft"))
    if not fresh.computed_grade:
        raise ValidationError(_("this person's scores are not complete yet"))
    return fresh


def result_grade_set(*, acting_user: Any, result: Result, grade: str, reason: str = "",
                     override: str = "") -> Result:
    """The township's final say on a draft grade: the computed one, or a lower one with a reason; an 优秀
    kept above the township's cap carries `override`, its reason. Never higher than computed."""
    reason, override = reason.strip(), override.strip()
    if grade not in Grade.values:
        raise ValidationError({"grade": _("choose one of the list")})
    with transaction.atomic():
        fresh = _draft_result(acting_user, result)
        if GRADE_RANK[Grade(grade)] > GRADE_RANK[Grade(fresh.computed_grade)]:
            raise ValidationError({"grade": _("a grade cannot be raised above the one the scores give")})
        if grade != fresh.computed_grade and not reason:
            raise ValidationError({"reason": _("say why the grade is lower than the scores give")})
        if override and grade != Grade.EXCELLENT:
            raise ValidationError({"override": _("only an excellent grade needs an override of the cap")})
        before = {"grade": fresh.grade, "grade_note": fresh.grade_note, "quota_override": fresh.quota_override}
        fresh.grade = grade
        fresh.grade_note = reason if grade != fresh.computed_grade else ""
        fresh.quota_override = override
        fresh.save(update_fields=["grade", "grade_note", "quota_override", "updated_at"])
        after = {"grade": fresh.grade, "grade_note": fresh.grade_note, "quota_override": fresh.quota_override}
        audit_record("assessment.result_grade", obj=fresh, region_code=fresh.region_id, user=acting_user,
                     changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return fresh


def township_figures(scheme: Scheme, prefix: str) -> dict[str, int]:
    """Counts over the township's results of this scheme's year: assessed, by state, incomplete,
    excellent, overridden, allowed and over the cap (one grouped query)."""
    rows = Result.objects.within(prefix).filter(year=scheme.year).aggregate(
        assessed=Count("id"), incomplete=Count("id", filter=Q(score__isnull=True)),
        excellent=Count("id", filter=Q(grade=Grade.EXCELLENT)),
        overridden=Count("id", filter=Q(grade=Grade.EXCELLENT) & ~Q(quota_override="")),
        **{s: Count("id", filter=Q(state=s)) for s in ResultState.values})
    rows["allowed"] = engine.excellent_allowed(rows["assessed"], scheme.excellent_cap)
    rows["over"] = engine.quota_breached(rows["assessed"], scheme.excellent_cap, rows["excellent"], rows["overridden"])
    return rows


def township_transition(*, acting_user: Any, scheme: Scheme, township: Region, action: str,
                        reason: str = "") -> int:
    """Moves every result of the township along `action` in one UPDATE; refused whole when any is in
    another state, and (submit) while a score is missing or the cap is exceeded without overrides, and
    (return) without a reason. Publishing records the recognition of each 优秀 in one INSERT … SELECT."""
    if action not in TRANSITIONS:
        raise ValidationError(_("no such step"))
    require_in_scope(acting_user, ACTION_CAPABILITY[action], township.code)
    _township(scheme, township)
    before, after = TRANSITIONS[action]
    reason = reason.strip()
    if action == "return" and not reason:
        raise ValidationError({"reason": _("say why the results are returned")})
    low, high = code_bounds(township.prefix)
    with transaction.atomic():
        Scheme.objects.select_for_update().filter(pk=scheme.pk).get()
        if action == "submit":
            results_compute(scheme, township.prefix)
        rows = Result.objects.select_for_update().within(township.prefix).filter(year=scheme.year)
        states = set(rows.values_list("state", flat=True))
        if not states:
            raise ValidationError(_("nobody is assessed in this township yet"))
        if states != {before}:
            raise ValidationError(_("only results that are all “%(state)s” can be moved on; these are: %(now)s")
                                  % {"state": ResultState(before).label,
                                     "now": ", ".join(str(ResultState(s).label) for s in sorted(states))})
        figures = township_figures(scheme, township.prefix)
        if action == "submit" and figures["incomplete"]:
            raise ValidationError(_("%(n)d people still lack a score: enter every score before submitting")
                                  % {"n": figures["incomplete"]})
        if action == "submit" and figures["over"]:
            raise ValidationError(
                _("%(excellent)d excellent but at most %(allowed)d allowed (%(cap)d%% of %(assessed)d): lower "
                  "%(over)d grade(s) or give each excess excellent an override with its reason")
                % {"excellent": figures["excellent"], "allowed": figures["allowed"], "cap": scheme.excellent_cap,
                   "assessed": figures["assessed"], "over": figures["over"]})
        today, now = timezone.localdate(), timezone.now()
        extra: dict[str, Any] = {"published_on": today} if action == "publish" else {}
        count = rows.update(state=after, updated_at=now, **extra)
        recognised = 0
        if action == "publish":
            recognised = _recognise("r.region_id BETWEEN %s AND %s AND r.year = %s", [low, high, scheme.year],
                                    today, acting_user)
        audit_record(f"assessment.township_{action}", obj=scheme, region_code=township.code, user=acting_user,
                     changes={"state": [before, after], "results": count, "reason": reason,
                              **({"recognised": recognised} if action == "publish" else {})})
    return count


def _recognise(where: str, params: list[Any], on: date, acting_user: Any) -> int:
    """Recognition (表彰) recorded for every published 优秀 matching `where` (over results `r`) that has
    none yet, in one INSERT … SELECT."""
    table, result = Consequence._meta.db_table, Result._meta.db_table
    by = getattr(_by(acting_user), "pk", None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (result_id, person_id, region_id, kind, dated_on, note, automatic, recorded_by_id, "
            f"created_at) SELECT r.id, r.person_id, r.region_id, %s, %s, '', %s, %s, %s FROM {result} r "
            f"WHERE {where} AND r.state = %s AND r.grade = %s AND NOT EXISTS (SELECT 1 FROM {table} c "
            f"WHERE c.result_id = r.id AND c.kind = %s)",
            [ConsequenceKind.RECOGNITION, on, True, by, timezone.now(), *params, ResultState.PUBLISHED,
             Grade.EXCELLENT, ConsequenceKind.RECOGNITION])
        return cursor.rowcount


# --- appeals -----------------------------------------------------------------------------------------------


def appeal_days() -> int:
    return settings.LINGTOUYANG_ASSESSMENT_APPEAL_DAYS


def appeal_deadline(result: Result) -> date | None:
    from datetime import timedelta

    return result.published_on + timedelta(days=appeal_days()) if result.published_on else None


def appeal_file(*, acting_user: Any, result: Result, reason: str) -> Appeal:
    """A cadre's appeal against their own published grade, within the appeal period, once."""
    reason = reason.strip()
    if acting_user is not None and getattr(acting_user, "person_id", None) != result.person_id:
        raise ValidationError(_("only the assessed cadre may appeal their grade"))
    if not reason:
        raise ValidationError({"reason": _("say why you appeal")})
    today = timezone.localdate()
    with transaction.atomic():
        fresh = Result.objects.select_for_update().get(pk=result.pk)
        if fresh.state != ResultState.PUBLISHED:
            raise ValidationError(_("only a published grade can be appealed"))
        deadline = appeal_deadline(fresh)
        if deadline is None or today > deadline:
            raise ValidationError(_("the appeal period ended on %(day)s") % {"day": deadline})
        if Appeal.objects.filter(result=fresh).exists():
            raise ValidationError(_("this grade has already been appealed"))
        appeal = Appeal.objects.create(result=fresh, region_id=fresh.region_id, filed_on=today, reason=reason,
                                       grade_before=fresh.grade)
        audit_record("assessment.appeal_file", obj=appeal, region_code=fresh.region_id, user=acting_user,
                     changes={"result": [None, fresh.pk], "grade": [None, fresh.grade]})
    return appeal


def appeal_decide(*, acting_user: Any, appeal: Appeal, grade: str, reason: str) -> Appeal:
    """The county's decision: the same grade (upheld) or another (changed), always with a reason. A changed
    grade is the result's grade from then on (what pay reads); recognition follows 优秀 in and out."""
    require_in_scope(acting_user, "approve_assessment", appeal.region_id)
    reason = reason.strip()
    if grade not in Grade.values:
        raise ValidationError({"grade": _("choose one of the list")})
    if not reason:
        raise ValidationError({"reason": _("say why the appeal is decided so")})
    with transaction.atomic():
        fresh = Appeal.objects.select_for_update().select_related("result").get(pk=appeal.pk)
        if fresh.state != AppealState.OPEN:
            raise ValidationError(_("this appeal has already been decided"))
        result = Result.objects.select_for_update().get(pk=fresh.result_id)
        changed = grade != result.grade
        fresh.state = AppealState.CHANGED if changed else AppealState.UPHELD
        fresh.grade_after, fresh.decision = grade, reason
        fresh.decided_by, fresh.decided_at = _by(acting_user), timezone.now()
        fresh.save()
        if changed:
            old = result.grade
            result.grade, result.grade_note = grade, reason
            result.save(update_fields=["grade", "grade_note", "updated_at"])
            if old == Grade.EXCELLENT:
                Consequence.objects.filter(result=result, kind=ConsequenceKind.RECOGNITION, automatic=True).delete()
            if grade == Grade.EXCELLENT:
                _recognise("r.id = %s", [result.pk], timezone.localdate(), acting_user)
        audit_record("assessment.appeal_decide", obj=fresh, region_code=fresh.region_id, user=acting_user,
                     changes={"state": [AppealState.OPEN, fresh.state], "grade": [fresh.grade_before, grade],
                              "reason": reason})
    return fresh


# --- consequences ------------------------------------------------------------------------------------------


def consequence_record(*, acting_user: Any, result: Result, kind: str, on: date, note: str = "") -> Consequence:
    """Self-criticism or circulated criticism of a published 不称职 (recognition is recorded on publishing)."""
    require_in_scope(acting_user, "enter_scores", result.region_id)
    errors: dict[str, list[str]] = {}
    if kind not in CRITICISM_KINDS:
        errors["kind"] = [_("choose one of the list")]
    if on is None:
        errors["on"] = [_("give the date")]
    elif on > timezone.localdate() or on.year < result.year:
        errors["on"] = [_("a date from the assessment year up to today")]
    if result.state != ResultState.PUBLISHED or result.grade != Grade.INCOMPETENT:
        errors.setdefault("kind", []).append(_("criticism is recorded for a published grade of incompetent"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = Consequence.objects.create(result=result, person_id=result.person_id, region_id=result.region_id,
                                          kind=kind, dated_on=on, note=note.strip(), recorded_by=_by(acting_user))
        audit_record("assessment.consequence_record", obj=item, region_code=result.region_id, user=acting_user,
                     changes={"result": [None, result.pk], "kind": [None, kind], "on": [None, str(on)]})
    return item
