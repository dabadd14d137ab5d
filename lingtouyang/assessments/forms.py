from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.assessments.models import CRITICISM_KINDS, ComponentKind, ConsequenceKind, Grade
from lingtouyang.core.uploads import WorkbookField

DATE = forms.DateInput(attrs={"type": "date"})
BAND = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


class SchemeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    weight_regular = forms.IntegerField(label=_("weight of regular assessment (%)"), min_value=0, max_value=100,
                                        initial=30)
    weight_special = forms.IntegerField(label=_("weight of special assessment (%)"), min_value=0, max_value=100,
                                        initial=20)
    weight_annual = forms.IntegerField(label=_("weight of annual assessment (%)"), min_value=0, max_value=100,
                                       initial=50)
    band_excellent = forms.DecimalField(label=_("excellent from"), initial=90, **BAND)
    band_competent = forms.DecimalField(label=_("competent from"), initial=75, **BAND)
    band_basic = forms.DecimalField(label=_("basically competent from"), initial=60, **BAND)
    excellent_cap = forms.IntegerField(label=_("cap on excellent per township (%)"), min_value=0, max_value=100,
                                       initial=20)


class ComponentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ComponentKind.choices)
    name = forms.CharField(label=_("name"), max_length=60, help_text=_("e.g. first quarter, or the task's name"))
    task = forms.CharField(label=_("task (special assessments)"), max_length=120, required=False)


class ImportForm(forms.Form):
    file = WorkbookField(label=_("Excel file (.xlsx)"))


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("final grade"), choices=Grade.choices)
    reason = forms.CharField(label=_("reason, if lower than the scores give"), max_length=300, required=False)
    override = forms.CharField(label=_("override of the cap on excellent: reason"), max_length=300,
                               required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade decided"), choices=Grade.choices)
    reason = forms.CharField(label=_("reason for the decision"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ConsequenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=[(k, ConsequenceKind(k).label) for k in CRITICISM_KINDS])
    on = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
