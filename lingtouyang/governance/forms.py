"""Forms parse input; rules live in services and quorum.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.governance.models import Body, Matter

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionForm(forms.Form):
    region = forms.CharField(label=_("village or community"), max_length=12)
    title = forms.CharField(label=_("title"), max_length=200)
    matter = forms.ChoiceField(label=_("matter"), choices=Matter.choices)
    amount = forms.DecimalField(label=_("amount (yuan)"), required=False, min_value=0, max_digits=14,
                                decimal_places=2)
    major = forms.BooleanField(label=_("major matter"), required=False, initial=True,
                               help_text=_("major matters go through all six steps: four deliberations, two publications"))


class StepForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("date"), widget=DATE)
    merge = forms.BooleanField(label=_("deliberated at the same time (one person holds both top posts)"), required=False,
                               help_text=_("only where the party secretary is also the director"))
    body = forms.ChoiceField(label=_("meeting"), choices=[("", "–"), *Body.choices], required=False)
    entitled = forms.IntegerField(label=_("entitled to attend"), required=False, min_value=0)
    present = forms.IntegerField(label=_("present"), required=False, min_value=0)
    approve = forms.IntegerField(label=_("in favour"), required=False, min_value=0)
    place = forms.CharField(label=_("where published"), max_length=200, required=False,
                            help_text=_("e.g. the village notice board, the village's WeChat group"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    # The fields each step shows (the service says which are required).
    STEP_FIELDS = {1: ["held_on", "merge", "note"], 2: ["held_on", "note"],
                   3: ["held_on", "body", "entitled", "present", "approve", "note"],
                   4: ["held_on", "body", "entitled", "present", "approve", "note"],
                   5: ["held_on", "place", "note"], 6: ["held_on", "place", "note"]}


class ChecklistForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=200)
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    items = forms.CharField(label=_("measures"), widget=forms.Textarea(attrs={"rows": 20}),
                            help_text=_("one measure a line, as “aspect | measure” (the aspect may be left out)"))

    def measures(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["items"].splitlines():
            line = line.replace("｜", "|").strip()
            if not line:
                continue
            aspect, sep, text = line.partition("|")
            rows.append((aspect.strip(), text.strip()) if sep else ("", aspect.strip()))
        return rows
