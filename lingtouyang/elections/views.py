from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404, in_prefix, parse_prefix, user_prefix
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.elections import selectors, services
from lingtouyang.elections.forms import CancelForm, CandidateForm, ElectionForm, ResultsForm
from lingtouyang.elections.models import Election
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Level, Region
from lingtouyang.review import selectors as review_selectors


def _term(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and 1949 < int(raw) < 2200 else None


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_elections")
    region = parse_prefix(request.GET.get("region", ""))
    if region is None:
        messages.error(request, _("A region code has up to 12 digits."))
    term, state = _term(request.GET.get("term", "")), request.GET.get("state", "")
    page = page_of(selectors.election_list(request.user, term=term, state=state, region=region or ""), request)
    return render(request, "elections/list.html", {
        "page": page, "region": region or "", "term": term or "", "state": state, "states": Election.State.choices,
        "can_manage": request.user.has_capability("manage_elections")})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require_capability(request, "manage_elections")
    form = ElectionForm(request.POST or None, initial={"region": request.GET.get("region", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["region"] is None:
                raise ValidationError({"region": _("choose a village or community")})
            election = services.election_create(acting_user=request.user, region=data["region"], kind=data["kind"],
                                                election_date=data["election_date"], seats=form.seats())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Election planned. Add the candidates next."))
            return redirect("elections:detail", election_id=election.pk)
    return render(request, "elections/form.html", {"form": form})


def _election(request: HttpRequest, election_id: int, capability: str = "view_elections") -> Election:
    return get_visible_or_404(Election.objects.select_related("region", "region__parent"), request.user,
                              capability, id=election_id)


def _may(request: HttpRequest, capability: str, election: Election) -> bool:
    prefix = user_prefix(request.user, capability)
    return prefix is not None and in_prefix(election.region_id, prefix)


def _detail(request: HttpRequest, election: Election, *, candidate_form: Form | None = None,
            results_form: Form | None = None, cancel_form: Form | None = None) -> HttpResponse:
    results = selectors.election_results(election)
    can_manage = _may(request, "manage_elections", election)
    taken = {c.person_id for c in results.candidates}
    people = list(Person.objects.visible_to(request.user).filter(region_id=election.region_id)
                  .exclude(pk__in=taken).order_by("name", "id")) if can_manage else []
    standing = review_selectors.clearance([p.pk for p in people]) if people else {}
    labels = {review_selectors.CLEARED: _("cleared"), review_selectors.FAILED: _("failed"),
              review_selectors.PENDING: _("pending")}
    choices = [(p.pk, f"{p.name} · {labels[standing[p.pk].status] if p.pk in standing else _('never reviewed')}")
               for p in people]
    return render(request, "elections/detail.html", {
        "election": election, "results": results, "can_manage": can_manage,
        "can_certify": _may(request, "certify_elections", election),
        # The joint review's standing today: what matters while candidates stand, not for past elections.
        "show_clearance": election.state in (Election.State.PLANNED, Election.State.HELD),
        "candidate_form": candidate_form or CandidateForm(people=choices, posts=list(election.seats)),
        "results_form": results_form or ResultsForm(
            candidates=results.candidates,
            initial={"electorate": election.electorate, "ballots_cast": election.ballots_cast}),
        "cancel_form": cancel_form or CancelForm(),
    })


@login_required
def detail(request: HttpRequest, election_id: int) -> HttpResponse:
    return _detail(request, _election(request, election_id))


@login_required
@require_POST
def candidate_add(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, "manage_elections")
    people = list(Person.objects.visible_to(request.user).filter(region_id=election.region_id))
    form = CandidateForm(request.POST, people=[(p.pk, p.name) for p in people], posts=list(election.seats))
    if form.is_valid():
        # Only the village's own people are looked up: anyone else is simply not found.
        person = next((p for p in people if p.pk == form.cleaned_data["person"]), None)
        try:
            if person is None:
                raise ValidationError({"person": _("not on this village's roster")})
            services.candidate_add(acting_user=request.user, election=election, person=person,
                                   post=form.cleaned_data["post"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added as a candidate.") % {"name": person.name})
            return redirect("elections:detail", election_id=election.pk)
    return _detail(request, election, candidate_form=form)


@login_required
@require_POST
def results(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, "manage_elections")
    candidates = selectors.election_results(election).candidates
    form = ResultsForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.results_record(acting_user=request.user, election=election,
                                    electorate=form.cleaned_data["electorate"],
                                    ballots_cast=form.cleaned_data["ballots_cast"], votes=form.votes())
        except ValidationError as exc:
            apply_errors(form, exc)
            election.refresh_from_db()
        else:
            messages.success(request, _("Results recorded."))
            return redirect("elections:detail", election_id=election.pk)
    return _detail(request, election, results_form=form)


@login_required
@require_POST
def certify(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, "certify_elections")
    try:
        made = services.election_certify(acting_user=request.user, election=election)
    except ValidationError as exc:  # refused: the election as it is, with the reason
        election.refresh_from_db()
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, election)
    messages.success(request, _("Certified: %(n)d appointments made for the new term.") % {"n": len(made)})
    return redirect("elections:detail", election_id=election.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, "manage_elections")
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.election_cancel(acting_user=request.user, election=election,
                                 reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:  # refused: the election as it is, the reason on the form
        election.refresh_from_db()
        apply_errors(form, exc)
        return _detail(request, election, cancel_form=form)
    messages.success(request, _("The election is cancelled."))
    return redirect("elections:detail", election_id=election.pk)


@login_required
def history(request: HttpRequest, village: str) -> HttpResponse:
    """A village's elections, term by term."""
    region = get_visible_or_404(Region.objects.select_related("parent").filter(level=Level.VILLAGE),
                                request.user, "view_elections", code=village)
    elections = list(selectors.village_history(request.user, region.code))
    return render(request, "elections/history.html", {"region": region, "elections": elections})
