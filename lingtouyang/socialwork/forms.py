"""Forms parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.socialwork.models import Level, Result

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegistrationForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
    exam_year = forms.IntegerField(label=_("exam year"), min_value=1990, max_value=2100)
    level = forms.ChoiceField(label=_("certificate level"), choices=Level.choices)


class TrainingForm(forms.Form):
    training_hours = forms.DecimalField(label=_("preparatory training attended (hours)"), min_value=0,
                                        max_digits=5, decimal_places=1)
    training_session = forms.IntegerField(label=_("training session (number)"), required=False, min_value=1,
                                          help_text=_("optional: the session on the training pages"))


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("result"), choices=Result.choices)
    result_on = forms.DateField(label=_("result announced on"), widget=DATE)
    certificate_no = forms.CharField(label=_("certificate number"), max_length=40, required=False)
    certificate_date = forms.DateField(label=_("certificate date"), required=False, widget=DATE)


class PolicyForm(forms.Form):
    county = forms.CharField(label=_("county code"), max_length=12)
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    assistant = forms.DecimalField(label=Level.ASSISTANT.label, min_value=0, max_digits=8, decimal_places=2,
                                   help_text=_("yuan per month"))
    intermediate = forms.DecimalField(label=Level.INTERMEDIATE.label, min_value=0, max_digits=8, decimal_places=2,
                                      help_text=_("yuan per month"))
    senior = forms.DecimalField(label=Level.SENIOR.label, min_value=0, max_digits=8, decimal_places=2,
                                help_text=_("yuan per month"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
