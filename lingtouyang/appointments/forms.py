"""Forms parse input; the rules live in policy.py and services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.people.codes import Post
from lingtouyang.people.forms import RegionCodeField

DATE = {"type": "date"}
Kind = AppointmentRequest.Kind


class AppointRequestForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
    region = RegionCodeField()
    post = forms.ChoiceField(label=_("post"), choices=Post.choices)
    start_date = forms.DateField(label=_("start date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    basis = forms.ChoiceField(label=_("basis"), choices=AppointmentRequest.Basis.choices)
    term = forms.IntegerField(label=_("term (election year)"), required=False, min_value=1950, max_value=2100,
                              help_text=_("empty: the term the start date falls in"))


class EndRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=[c for c in Kind.choices if c[0] != Kind.APPOINT],
                             widget=forms.RadioSelect)
    end_date = forms.DateField(label=_("end date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False,
                             help_text=_("kept as the reason for leaving on the person's record"))
    new_post = forms.ChoiceField(label=_("new post (transfer only)"), choices=[("", "—"), *Post.choices],
                                 required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejecting"), max_length=200, required=False)
