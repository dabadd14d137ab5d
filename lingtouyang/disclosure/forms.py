import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.disclosure.models import Category, Disclosure, Frequency

DATE = forms.DateInput(attrs={"type": "date"})


class ContentForm(forms.Form):
    """A draft's content. Lines are typed one per line as `income|subject|amount` (or expense), tables as
    JSON; the service checks both."""

    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    opening_balance = forms.CharField(label=_("opening balance"), required=False, max_length=20)
    closing_balance = forms.CharField(label=_("closing balance"), required=False, max_length=20)
    lines = forms.CharField(
        label=_("income and expense lines"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("one per line: income|subject|amount or expense|subject|amount (finance items only)"))
    tables = forms.CharField(
        label=_("tables (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('[{"title": "…", "columns": [{"label": "…", "kind": "name"}, {"label": "…", "kind": '
                    '"id_number"}], "rows": [["…", "…"]]}]; column kinds: text, number, money, name, id_number, '
                    'phone. ID numbers are masked, phone columns dropped.'))

    def clean_lines(self) -> list[dict[str, str]]:
        out = []
        kinds = {"income": "income", "expense": "expense"}
        for n, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) != 3 or parts[0] not in kinds:
                raise forms.ValidationError(_("line %(n)d: write kind|subject|amount") % {"n": n})
            out.append({"kind": kinds[parts[0]], "subject": parts[1], "amount": parts[2]})
        return out

    def clean_tables(self) -> Any:
        raw = self.cleaned_data["tables"].strip()
        if not raw:
            return []
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("the tables are not valid JSON")) from exc


class DraftForm(ContentForm):
    item = forms.TypedChoiceField(label=_("catalogue item"), coerce=int)
    period_start = forms.DateField(label=_("a day in the period (on occurrence: the date)"), widget=DATE)
    period_label = forms.CharField(label=_("name of the occurrence (on-occurrence items)"), required=False,
                                   max_length=40)
    field_order = ["item", "period_start", "period_label", "title", "body", "opening_balance", "closing_balance",
                   "lines", "tables"]

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.code} {i.title} · {i.get_frequency_display()}") for i in items]


class CorrectionForm(ContentForm):
    correction_reason = forms.CharField(label=_("what is corrected and why"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["correction_reason", "title", "body", "opening_balance", "closing_balance", "lines", "tables"]


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=Disclosure.State.choices)
    reason = forms.CharField(label=_("reason for returning"), required=False, max_length=300)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file (PDF, PNG or JPEG)"))


class ListForm(forms.Form):
    region = forms.CharField(label=_("region code"), required=False, max_length=12)
    item = forms.CharField(label=_("item code"), required=False, max_length=20)
    state = forms.ChoiceField(label=_("state"), required=False, choices=[("", "—"), *Disclosure.State.choices])
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)


class ItemForm(forms.Form):
    code = forms.CharField(label=_("item code"), max_length=20)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("what to disclose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    frequency = forms.ChoiceField(label=_("frequency"), choices=Frequency.choices)
    is_finance = forms.BooleanField(label=_("finance (income and expense lines)"), required=False)
    has_personal_data = forms.BooleanField(label=_("lists residents"), required=False)
    due_day = forms.IntegerField(label=_("due on day"), min_value=1, max_value=31, initial=20)
    due_months_after = forms.IntegerField(label=_("due in month after the period"), min_value=0, max_value=12,
                                          initial=1)
    effective_from = forms.DateField(label=_("in force from"), widget=DATE)


class ReviseForm(ItemForm):
    retired = forms.BooleanField(label=_("retire the item from this date"), required=False)
    note = forms.CharField(label=_("reason for this version"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]
