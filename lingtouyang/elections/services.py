"""Every change to a term election goes through these functions: validate, save, write the audit row, in
one transaction. An election's state changes only along TRANSITIONS, checked by `MACHINE`
(the one state machine); anything else is refused with a message and changes nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.elections import engine
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.codes import SINGLE_HOLDER_POSTS, Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Level, Region
from lingtouyang.review import selectors as review_selectors

State = Election.State
# The state machine: every allowed move, and nothing else. Held → held: results corrected before
# certification.
TRANSITIONS = {
    (State.PLANNED, State.HELD), (State.HELD, State.HELD), (State.HELD, State.CERTIFIED),
    (State.PLANNED, State.CANCELLED), (State.HELD, State.CANCELLED),
}
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("an election that is %(state)s cannot become %(to)s"))








def _post_label(post: str) -> str:
    return str(Post(post).label) if post in Post.values else post


# --- elections ---------------------------------------------------------------------------------


def _seats_problems(seats: Mapping[str, int], allowed: frozenset[str]) -> list[str]:
    problems = []
    for post, n in seats.items():
        if post not in allowed:
            problems.append(_("this election does not fill the post %(post)s") % {"post": _post_label(post)})
        elif not isinstance(n, int) or not 0 <= n <= engine.MAX_SEATS:
            problems.append(_("%(post)s: the number of seats must be between 0 and %(max)d")
                            % {"post": _post_label(post), "max": engine.MAX_SEATS})
        elif post in engine.ONE_SEAT and n != 1:
            problems.append(_("%(post)s has exactly one seat") % {"post": _post_label(post)})
    if not problems and not any(seats.values()):
        problems.append(_("an election needs at least one seat"))
    return problems


def election_create(
    *, acting_user: Any, region: Region, kind: str, election_date: date, term: int | None = None,
    seats: Mapping[str, int] | None = None,
) -> Election:
    """A planned election in a village. Its term is the election's year; its seats are the policy's
    defaults for the kind, with the numbers given in `seats` instead."""
    require_in_scope(acting_user, "manage_elections", region.code)
    errors: dict[str, list[str]] = {}
    if region.level != Level.VILLAGE:
        errors.setdefault("region", []).append(_("an election is held by a village or community"))
    if kind not in Election.Kind.values:
        errors.setdefault("kind", []).append(_("choose the kind of election"))
    term = term or election_date.year
    if term != election_date.year:
        errors.setdefault("election_date", []).append(
            _("the election date must fall in the term's election year (%(term)d)") % {"term": term})
    if errors:
        raise ValidationError(errors)
    all_seats = engine.default_seats(kind, region.kind)
    all_seats.update({str(k): v for k, v in (seats or {}).items()})
    if problems := _seats_problems(all_seats, engine.allowed_posts(kind, region.kind)):
        raise ValidationError({"seats": problems})
    all_seats = {post: n for post, n in all_seats.items() if n}
    if Election.objects.filter(region=region, term=term, kind=kind).exclude(state=State.CANCELLED).exists():
        raise ValidationError(_("%(village)s already has a %(kind)s election for the %(term)d term") % {
            "village": region.short_name, "kind": Election.Kind(kind).label, "term": term})
    with transaction.atomic():
        election = Election.objects.create(region=region, term=term, kind=kind, election_date=election_date,
                                           seats=all_seats, created_by=acting_user)
        audit_record("election.create", obj=election, region_code=region.code, user=acting_user,
                     changes={"term": [None, term], "kind": [None, kind], "election_date": [None, str(election_date)],
                              "seats": [None, all_seats]})
    return election


def candidate_add(*, acting_user: Any, election: Election, person: Person, post: str) -> ElectionCandidate:
    """A candidate from the village's own roster, cleared by the joint review (任职资格联审)."""
    require_in_scope(acting_user, "manage_elections", election.region_id)
    if post not in election.seats:
        raise ValidationError({"post": _("this election does not fill the post %(post)s")
                               % {"post": _post_label(post)}})
    if person.region_id != election.region_id:
        raise ValidationError({"person": _("%(name)s is not on the roster of %(village)s") % {
            "name": person.name, "village": election.region.short_name}})
    found = review_selectors.clearance([person.pk]).get(person.pk)
    if found is None or found.status != review_selectors.CLEARED:
        status = {review_selectors.FAILED: _("failed"), review_selectors.PENDING: _("still pending")}.get(
            found.status if found else "", _("never reviewed"))
        raise ValidationError({"person": _("%(name)s has not been cleared by the joint review (%(status)s)")
                               % {"name": person.name, "status": status}})
    with transaction.atomic():
        lock_state(election)
        if election.state != State.PLANNED:
            raise ValidationError(_("candidates can only be added while the election is planned"))
        if ElectionCandidate.objects.filter(election=election, person=person).exists():
            raise ValidationError({"person": _("%(name)s is already a candidate in this election")
                                   % {"name": person.name}})
        candidate = ElectionCandidate.objects.create(election=election, person=person, post=post)
        audit_record("election.candidate_add", obj=election, region_code=election.region_id, user=acting_user,
                     changes={"person": [None, person.pk], "post": [None, post],
                              "clearance_round": [None, found.candidate.round_id]})
    return candidate


def _results_problems(election: Election, electorate: int, ballots_cast: int,
                      candidates: list[ElectionCandidate], votes: Mapping[int, int]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if electorate < 1:
        errors.setdefault("electorate", []).append(_("the electorate must be at least one"))
    if ballots_cast < 0:
        errors.setdefault("ballots_cast", []).append(_("the number of ballots cannot be negative"))
    elif ballots_cast > electorate:
        errors.setdefault("ballots_cast", []).append(
            _("%(ballots)d ballots cast is more than the electorate of %(electorate)d")
            % {"ballots": ballots_cast, "electorate": electorate})
    if not candidates:
        errors.setdefault("votes", []).append(_("add the candidates before recording the results"))
    ids = {c.pk for c in candidates}
    if set(votes) - ids:
        errors.setdefault("votes", []).append(_("votes were given for someone who is not a candidate here"))
    sums: dict[str, int] = defaultdict(int)
    for c in candidates:
        n = votes.get(c.pk)
        if n is None:
            errors.setdefault("votes", []).append(_("no votes given for %(name)s") % {"name": c.person.name})
        elif n < 0:
            errors.setdefault("votes", []).append(_("votes cannot be negative (%(name)s)") % {"name": c.person.name})
        elif n > ballots_cast:
            errors.setdefault("votes", []).append(
                _("%(name)s has %(votes)d votes, more than the %(ballots)d ballots cast")
                % {"name": c.person.name, "votes": n, "ballots": ballots_cast})
        else:
            sums[c.post] += n
    # Each ballot names at most as many candidates for a post as it has seats.
    for post, total in sums.items():
        seats = election.seats.get(post, 0)
        if total > ballots_cast * seats:
            errors.setdefault("votes", []).append(
                _("the votes for %(post)s add up to %(total)d, more than %(ballots)d ballots × %(seats)d seats allow")
                % {"post": _post_label(post), "total": total, "ballots": ballots_cast, "seats": seats})
    return errors


def results_record(
    *, acting_user: Any, election: Election, electorate: int, ballots_cast: int, votes: Mapping[int, int],
) -> Election:
    """Planned → held (or held, corrected): the electorate, the ballots cast and every candidate's votes
    (by candidate id), all checked before anything is written."""
    require_in_scope(acting_user, "manage_elections", election.region_id)
    if election.election_date > timezone.localdate():
        raise ValidationError(_("results cannot be recorded before the election day (%(day)s)")
                              % {"day": election.election_date.isoformat()})
    with transaction.atomic():
        lock_state(election)
        before = MACHINE.check(election, State.HELD)
        candidates = list(election.candidates.select_related("person").order_by("id"))
        if errors := _results_problems(election, electorate, ballots_cast, candidates, votes):
            raise ValidationError(errors)
        old = {"electorate": election.electorate, "ballots_cast": election.ballots_cast,
               "votes": {str(c.pk): c.votes for c in candidates}}
        for c in candidates:
            c.votes = votes[c.pk]
        ElectionCandidate.objects.bulk_update(candidates, ["votes"])
        election.state, election.electorate, election.ballots_cast = State.HELD, electorate, ballots_cast
        election.held_at = timezone.now()
        election.save(update_fields=["state", "electorate", "ballots_cast", "held_at"])
        audit_record("election.results", obj=election, region_code=election.region_id, user=acting_user,
                     changes={"state": [before, election.state], "electorate": [old["electorate"], electorate],
                              "ballots_cast": [old["ballots_cast"], ballots_cast],
                              "votes": [old["votes"], {str(c.pk): c.votes for c in candidates}]})
    return election


def outcomes(election: Election, candidates: list[ElectionCandidate]) -> dict[str, engine.Outcome]:
    """Each post's outcome under the engine, from the recorded votes."""
    by_post: dict[str, dict[int, int]] = {post: {} for post in election.seats}
    for c in candidates:
        by_post.setdefault(c.post, {})[c.pk] = c.votes or 0
    return {post: engine.winners(votes, election.seats.get(post, 0), election.ballots_cast or 0)
            for post, votes in by_post.items()}


def election_certify(*, acting_user: Any, election: Election) -> list[Appointment]:
    """Held → certified, by the county: the winners' appointments for the new term begin on the election
    day, and the village's previous-term appointments to the posts this election fills end that day
    (连任 for those re-elected to the same post, 离任 for the others). A handful of queries whatever
    the size; one audit event names every appointment made or ended."""
    require_in_scope(acting_user, "certify_elections", election.region_id)
    with transaction.atomic():
        lock_state(election)
        before = MACHINE.check(election, State.CERTIFIED)
        if not engine.is_valid(election.electorate or 0, election.ballots_cast or 0):
            raise ValidationError(_("the election is not valid: %(ballots)d of %(electorate)d voted, not more "
                                    "than half; it cannot be certified") % {
                "ballots": election.ballots_cast or 0, "electorate": election.electorate or 0})
        candidates = list(election.candidates.select_related("person").order_by("id"))
        by_id = {c.pk: c for c in candidates}
        won = [(by_id[pk].person_id, post) for post, outcome in outcomes(election, candidates).items()
               for pk in outcome.winners]
        day, now = election.election_date, timezone.now()
        previous = (Appointment.objects.filter(region_id=election.region_id, post__in=list(election.seats),
                                               term__lt=election.term, start_date__lte=day)
                    .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)))
        ended = list(previous.values_list("id", "person_id", "post"))
        stay = set(won)
        # A one-holder post somebody else holds past the election day, outside what this election ends.
        clash = (Appointment.objects.filter(region_id=election.region_id, post__in=[p for _pn, p in won
                                                                                    if p in SINGLE_HOLDER_POSTS])
                 .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)).exclude(pk__in=[pk for pk, *_r in ended])
                 .select_related("person").first())
        if clash is not None:
            raise ValidationError(_("%(name)s already holds %(post)s from %(start)s; end that appointment first") % {
                "name": clash.person.name, "post": _post_label(clash.post), "start": clash.start_date.isoformat()})
        reelected = [pk for pk, person, post in ended if (person, post) in stay]
        left = [pk for pk, person, post in ended if (person, post) not in stay]
        if reelected:
            Appointment.objects.filter(pk__in=reelected).update(
                end_date=day, end_reason=engine.END_REASON_REELECTED, updated_at=now)
        if left:
            Appointment.objects.filter(pk__in=left).update(end_date=day, end_reason=engine.END_REASON_LEFT,
                                                           updated_at=now)
        made = Appointment.objects.bulk_create([
            Appointment(person_id=person, region_id=election.region_id, post=post, term=election.term,
                        start_date=day) for person, post in won])
        election.state, election.certified_by, election.certified_at = State.CERTIFIED, acting_user, now
        election.save(update_fields=["state", "certified_by", "certified_at"])
        audit_record("election.certify", obj=election, region_code=election.region_id, user=acting_user,
                     changes={"state": [before, election.state], "appointments": [None, [a.pk for a in made]],
                              "reelected": [None, reelected], "left": [None, left]})
    return made


def election_cancel(*, acting_user: Any, election: Election, reason: str) -> Election:
    """Planned or held → cancelled, with the reason; a cancelled election's place is free for a new one."""
    require_in_scope(acting_user, "manage_elections", election.region_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("say why the election is cancelled")})
    with transaction.atomic():
        lock_state(election)
        before = MACHINE.check(election, State.CANCELLED)
        election.state, election.cancel_reason, election.cancelled_at = State.CANCELLED, reason, timezone.now()
        election.save(update_fields=["state", "cancel_reason", "cancelled_at"])
        audit_record("election.cancel", obj=election, region_code=election.region_id, user=acting_user,
                     changes={"state": [before, election.state], "reason": [None, reason]})
    return election
