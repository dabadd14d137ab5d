"""Forms parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ProjectForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("project"), max_length=100, help_text=_("e.g. 茶叶加工"))
    operating_income = forms.DecimalField(label=_("operating income (yuan)"), max_digits=14, decimal_places=2)
    operating_cost = forms.DecimalField(label=_("operating cost (yuan)"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class CreateForm(ProjectForm):
    region = forms.CharField(label=_("village or community code"), max_length=12,
                             widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    field_order = ["region", "year", "name", "operating_income", "operating_cost", "note"]


class CadreForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
