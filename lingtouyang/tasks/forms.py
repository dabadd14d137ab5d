"""Forms parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.tasks.models import Category

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    region = forms.CharField(label=_("region"), max_length=12)
    title = forms.CharField(label=_("title"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    responsible = forms.CharField(label=_("responsible (in words)"), max_length=200, required=False,
                                  help_text=_("e.g. the township's agriculture office; besides or instead of owners"))
    start = forms.DateField(label=_("start date"), widget=DATE)
    deadline = forms.DateField(label=_("deadline"), widget=DATE)


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=DATE)
    percent = forms.IntegerField(label=_("progress (per cent)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200)


class ValueForm(forms.Form):
    indicator = forms.IntegerField(label=_("indicator"), widget=forms.Select)
    region = forms.CharField(label=_("region"), max_length=12)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=0, max_value=12, required=False,
                               help_text=_("1–12, or empty for the whole year"))
    value = forms.DecimalField(label=_("value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=100)
    unit = forms.CharField(label=_("unit"), max_length=20, help_text=_("e.g. km, pieces, mu"))
    cumulative = forms.BooleanField(label=_("cumulative"), required=False, initial=True,
                                    help_text=_("values are amounts added in each period and add up over time"))
