from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.uploads import WorkbookField
from lingtouyang.people.codes import (
    EDUCATION_CHOICES,
    ETHNICITY_CHOICES,
    POLITICAL_STATUS_CHOICES,
    Post,
    Source,
)
from lingtouyang.recruitment.models import Duty

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    reference_date = forms.DateField(label=_("ages counted on"), widget=DATE)
    max_age = forms.IntegerField(label=_("maximum age"), required=False, min_value=0)
    min_education = forms.ChoiceField(label=_("minimum education"), required=False,
                                      choices=[("", "—"), *EDUCATION_CHOICES])
    required_sources = forms.MultipleChoiceField(label=_("required sources"), required=False,
                                                 choices=Source.choices, widget=forms.CheckboxSelectMultiple)
    party_member_required = forms.BooleanField(label=_("must be a party member"), required=False)
    manual_conditions = forms.CharField(label=_("conditions checked by hand"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("one per line"))
    written_weight = forms.IntegerField(label=_("written exam weight (%)"), min_value=0, max_value=100, initial=50)
    interview_weight = forms.IntegerField(label=_("interview weight (%)"), min_value=0, max_value=100, initial=50)
    interview_ratio = forms.IntegerField(label=_("candidates invited to interview per place"), required=False,
                                         min_value=1, help_text=_("e.g. 3 for 1:3; empty: every eligible applicant"))
    notice_workdays = forms.IntegerField(label=_("public notice (working days)"), min_value=0, initial=5)
    duties = forms.MultipleChoiceField(label=_("duties offered"), required=False, choices=Duty.choices,
                                       widget=forms.CheckboxSelectMultiple)
    term = forms.IntegerField(label=_("term (election year)"), required=False, min_value=2000, max_value=2100,
                              help_text=_("empty: the county's latest term on the roster"))


class PostForm(forms.Form):
    region = forms.CharField(label=_("village or community code"), max_length=12)
    post = forms.ChoiceField(label=_("post"), choices=Post.choices, initial=Post.FULLTIME_DEPUTY)
    places = forms.IntegerField(label=_("places"), min_value=1, initial=1)


class ApplicationForm(forms.Form):
    campaign_post = forms.TypedChoiceField(label=_("post applied for"), coerce=int)
    id_number = forms.CharField(label=_("ID number"), max_length=30,
                                help_text=_("someone already on the roster is found by it; anyone else is added "
                                            "to the roster in the village applied for"))
    submitted_on = forms.DateField(label=_("submitted on"), widget=DATE)
    name = forms.CharField(label=_("name"), max_length=50, required=False)
    ethnicity = forms.ChoiceField(label=_("ethnicity"), choices=ETHNICITY_CHOICES, initial="01")
    political_status = forms.ChoiceField(label=_("political status"), choices=POLITICAL_STATUS_CHOICES)
    education = forms.ChoiceField(label=_("education"), choices=EDUCATION_CHOICES)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    source = forms.ChoiceField(label=_("source"), choices=Source.choices, initial=Source.MIGRANT_WORKER)

    def __init__(self, *args, posts=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["campaign_post"].choices = [(p.pk, str(p)) for p in posts]

    def person_data(self) -> dict:
        keys = ["name", "ethnicity", "political_status", "education", "phone", "source"]
        return {k: self.cleaned_data[k] for k in keys}


class CheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("conditions checked by hand"), coerce=lambda v: v == "1",
                                    choices=[("1", _("met")), ("0", _("not met"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)


class ScoreForm(forms.Form):
    written = forms.CharField(label=_("written exam score"), max_length=10, required=False)
    interview = forms.CharField(label=_("interview score"), max_length=10, required=False)


class ScoreImportForm(forms.Form):
    file = WorkbookField(label=_("Excel file (.xlsx)"))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=[("open", "open"), ("screening", "screening"), ("examining", "examining"),
                                    ("notice", "notice"), ("hired", "hired"), ("cancelled", "cancelled")])
    notice_start = forms.DateField(label=_("notice starts"), required=False, widget=DATE)
    hire_date = forms.DateField(label=_("hire date"), required=False, widget=DATE)
    duties = forms.MultipleChoiceField(label=_("duties"), required=False, choices=Duty.choices,
                                       widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200, required=False)


class ObjectionForm(forms.Form):
    application = forms.TypedChoiceField(label=_("concerning"), coerce=int)
    raised_by = forms.CharField(label=_("raised by"), max_length=100)
    raised_on = forms.DateField(label=_("raised on"), widget=DATE)
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, applications=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(a.pk, a.person.name) for a in applications]


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("decision"), coerce=lambda v: v == "1",
                                    choices=[("1", _("upheld: withdraw from the hire list")),
                                             ("0", _("dismissed"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("reason"), max_length=500)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    is_workday = forms.TypedChoiceField(label=_("the day is"), coerce=lambda v: v == "1",
                                        choices=[("0", _("a day off (holiday)")), ("1", _("a working day (adjusted weekend)"))])
    note = forms.CharField(label=_("note"), max_length=100, required=False)
