"""Back-office pages of secondments. Thin: parse, authorise (out of scope is 404), one service call, render
or redirect. A refused action shows the page again with the reason and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingtouyang.core.pagination import page_of
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.web import apply_errors, require_capability
from lingtouyang.people.models import Person
from lingtouyang.people.selectors import person_choices
from lingtouyang.secondments import selectors, services
from lingtouyang.secondments.forms import CreateForm, EvaluationForm, SecondmentForm, TransitionForm
from lingtouyang.secondments.models import Secondment

State = Secondment.State


def _secondment(request: HttpRequest, secondment_id: int, capability: str | None = None) -> Secondment:
    return get_visible_or_404(Secondment.objects.select_related("person", "region"), request.user, capability,
                              id=secondment_id)


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    filters = selectors.Filters.parse(request.GET)
    page = page_of(selectors.secondment_list(request.user, filters), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "secondments/list.html", {
        "page": page, "filters": filters, "states": State.choices, "places": selectors.host_places(request.user),
        "query": query.urlencode(), "can_manage": request.user.has_capability("manage_secondments")})


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    """A cadre from the roster (found by name, pinyin or initials as one types) seconded to a host."""
    require_capability(request, "manage_secondments")
    people = Person.objects.visible_to(request.user, "manage_secondments")
    form = CreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = people.filter(pk=data.pop("person")).first()
        try:
            if person is None:  # out of scope reads exactly like "does not exist"
                raise ValidationError({"person": _("no such person on your roster")})
            secondment = services.secondment_create(acting_user=request.user, person=person, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Secondment recorded."))
            return redirect("secondments:detail", secondment_id=secondment.pk)
    q = request.GET.get("q", "").strip()
    chosen = request.POST.get("person") or request.GET.get("person", "")
    found = person_choices(people, q, chosen)
    context = {"form": form, "q": q, "found": found, "chosen": chosen}
    if request.headers.get("HX-Request"):
        return render(request, "secondments/_found.html", context)
    return render(request, "secondments/form.html", context)


@login_required
def edit_view(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = _secondment(request, secondment_id, "manage_secondments")
    initial = {f: getattr(secondment, f) for f in services.FIELDS}
    form = SecondmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_update(acting_user=request.user, secondment=secondment, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Secondment saved."))
            return redirect("secondments:detail", secondment_id=secondment.pk)
    return render(request, "secondments/form.html", {"form": form, "secondment": secondment})


def _detail(request: HttpRequest, secondment: Secondment, transition_form: TransitionForm | None = None) -> HttpResponse:
    return render(request, "secondments/detail.html", {
        "s": secondment, "transition_form": transition_form or TransitionForm(),
        "can_manage": request.user.has_capability("manage_secondments")})


@login_required
def detail_view(request: HttpRequest, secondment_id: int) -> HttpResponse:
    return _detail(request, _secondment(request, secondment_id))


@login_required
@require_POST
def transition_view(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = _secondment(request, secondment_id, "manage_secondments")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _detail(request, secondment, form)
    try:
        if form.cleaned_data["to"] == State.IN_PROGRESS:
            services.secondment_start(acting_user=request.user, secondment=secondment)
        else:
            services.secondment_cancel(acting_user=request.user, secondment=secondment,
                                       reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        apply_errors(form, exc)
        secondment.refresh_from_db()
        return _detail(request, secondment, form)
    messages.success(request, _("The secondment is now: %(state)s.") % {"state": secondment.get_state_display()})
    return redirect("secondments:detail", secondment_id=secondment.pk)


@login_required
def evaluate_view(request: HttpRequest, secondment_id: int) -> HttpResponse:
    """The mid-term evaluation while none is recorded, the final one after it."""
    secondment = _secondment(request, secondment_id, "manage_secondments")
    final = bool(secondment.mid_grade)
    default_by = request.user.get_full_name() or request.user.get_username()
    form = EvaluationForm(request.POST or None, initial={"on": timezone.localdate(), "by": default_by})
    if request.method == "POST" and form.is_valid():
        service = services.secondment_evaluate_final if final else services.secondment_evaluate_mid
        try:
            service(acting_user=request.user, secondment=secondment, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            secondment.refresh_from_db()
        else:
            messages.success(request, _("Evaluation recorded."))
            return redirect("secondments:detail", secondment_id=secondment.pk)
    return render(request, "secondments/evaluate.html", {"s": secondment, "form": form, "final": final})
