"""Public pages of residents' feedback (no login): ask about a village or one of its published disclosures,
look a thread up by its reference number, a village's threads with their status. Nothing here shows a
resident's name or phone number, and a hidden thread shows as hidden, without its text."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from lingtouyang.audit.middleware import client_address
from lingtouyang.core.pagination import page_of
from lingtouyang.core.web import apply_errors
from lingtouyang.oversight import selectors, services
from lingtouyang.oversight.forms import AskForm, LookupForm
from lingtouyang.regions.models import Level, Region


def _village(code: str) -> Region:
    region = Region.objects.filter(code=code, level=Level.VILLAGE).first()
    if region is None:
        raise Http404
    return region


def _published(feedback_disclosure: int) -> object:
    from lingtouyang.disclosure.models import Disclosure

    found = Disclosure.objects.published().select_related("region").filter(pk=feedback_disclosure).first()
    if found is None:
        raise Http404
    return found


def _ask(request: HttpRequest, village: Region, disclosure: object = None) -> HttpResponse:
    form = AskForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["website"]:  # the trap field: only a robot fills it in
                raise ValidationError(_("Your message could not be accepted. Please leave the last field empty."))
            thread = services.feedback_submit(
                acting_user=None, village=village, disclosure=disclosure, kind=data["kind"], body=data["body"],
                contact_name=data["contact_name"], phone=data["phone"], address=client_address(request))
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("Thank you. Your reference number is %(ref)s: keep it to follow the answer.")
                             % {"ref": thread.reference})
            return redirect("oversight_public:thread", reference=thread.reference)
    elif request.method == "POST":
        status = 400
    return render(request, "oversight/public_ask.html",
                  {"form": form, "village": village, "disclosure": disclosure}, status=status)


@csrf_protect
def ask_view(request: HttpRequest, feedback_village: str) -> HttpResponse:
    return _ask(request, _village(feedback_village))


@csrf_protect
def ask_about_view(request: HttpRequest, feedback_disclosure: int) -> HttpResponse:
    disclosure = _published(feedback_disclosure)
    return _ask(request, disclosure.region, disclosure)  # type: ignore[attr-defined]


def lookup_view(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        reference = services.normalise_reference(form.cleaned_data["reference"])
        if selectors.public_thread(reference) is not None:
            return redirect("oversight_public:thread", reference=reference)
        form.add_error("reference", _("No thread has this reference number. Check it and try again."))
    return render(request, "oversight/public_lookup.html", {"form": form})


def thread_view(request: HttpRequest, reference: str) -> HttpResponse:
    thread = selectors.public_thread(services.normalise_reference(reference))
    if thread is None:
        raise Http404
    return render(request, "oversight/public_thread.html", {"t": thread, "answers": list(thread.answers.all())})


def village_view(request: HttpRequest, feedback_village: str) -> HttpResponse:
    village = _village(feedback_village)
    page = page_of(selectors.public_threads(village.code), request, size=20)
    return render(request, "oversight/public_village.html", {"village": village, "page": page})
