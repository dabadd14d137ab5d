"""Forms parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.secondments.models import Grade

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SecondmentForm(forms.Form):
    host_place = forms.CharField(label=_("host place"), max_length=50, help_text=_("the city, e.g. 上海市"))
    host_organisation = forms.CharField(label=_("host organisation"), max_length=100)
    start_date = forms.DateField(label=_("start of secondment"), widget=DATE)
    end_date = forms.DateField(label=_("end of secondment"), widget=DATE)
    mentor_name = forms.CharField(label=_("mentor"), max_length=50, required=False)
    mentor_post = forms.CharField(label=_("mentor's post"), max_length=100, required=False)
    purpose = forms.CharField(label=_("purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CreateForm(SecondmentForm):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})


class EvaluationForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("date"), widget=DATE)
    by = forms.CharField(label=_("evaluated by"), max_length=100)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=[("in_progress", _("start")), ("cancelled", _("cancel"))])
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200, required=False)
