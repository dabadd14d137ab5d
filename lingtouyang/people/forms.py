"""Forms parse input; rules live in services and rules.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.uploads import WorkbookField
from lingtouyang.people.codes import (
    EDUCATION_CHOICES,
    ETHNICITY_CHOICES,
    POLITICAL_STATUS_CHOICES,
    Gender,
    Post,
    Source,
)
from lingtouyang.regions.models import Region


class RegionCodeField(forms.CharField):
    """A village picked by search-as-you-type; the form carries its 12-digit code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("label", _("village or community"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Region | None:
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("no such village or community"))
        return region


class PersonForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False,
                                help_text=_("18 characters; the last may be X"))
    gender = forms.ChoiceField(label=_("gender"), choices=[("", "—"), *Gender.choices], required=False)
    birth_date = forms.DateField(label=_("birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ethnicity = forms.ChoiceField(label=_("ethnicity"), choices=ETHNICITY_CHOICES)
    political_status = forms.ChoiceField(label=_("political status"), choices=POLITICAL_STATUS_CHOICES)
    education = forms.ChoiceField(label=_("education"), choices=EDUCATION_CHOICES)
    region = RegionCodeField()
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    source = forms.ChoiceField(label=_("source"), choices=Source.choices)

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = creating
        if not creating:
            self.fields["id_number"].help_text = _("leave empty to keep the number on record")


class AppointmentForm(forms.Form):
    region = RegionCodeField()
    post = forms.ChoiceField(label=_("post"), choices=Post.choices)
    start_date = forms.DateField(label=_("start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_date = forms.DateField(label=_("end date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_reason = forms.CharField(label=_("reason for leaving"), max_length=200, required=False)
    term = forms.IntegerField(label=_("term (election year)"), required=False, min_value=1950, max_value=2100,
                              help_text=_("empty: the term the start date falls in"))

    def __init__(self, *args: Any, ended: bool = True, **kwargs: Any) -> None:
        """A correction of the record: an ended appointment's end may be corrected, not removed; a current
        one is ended by a request the county approves, never here."""
        super().__init__(*args, **kwargs)
        if ended:
            self.fields["end_date"].required = self.fields["end_reason"].required = True
        else:
            del self.fields["end_date"], self.fields["end_reason"]


class ImportForm(forms.Form):
    file = WorkbookField(label=_("roster file (.xlsx)"))
