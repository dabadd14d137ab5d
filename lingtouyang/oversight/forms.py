"""Forms parse input; rules live in services."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lingtouyang.oversight import services
from lingtouyang.oversight.models import Kind


class AskForm(forms.Form):
    kind = forms.ChoiceField(label=_("This is a"), choices=Kind.choices, initial=Kind.QUESTION,
                             widget=forms.RadioSelect)
    body = forms.CharField(label=_("Your question or complaint"), max_length=services.BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=services.NAME_MAX, required=False,
                                   help_text=_("Never published."))
    phone = forms.CharField(label=_("Your phone number (optional)"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("Only the village and township officials who answer see it; never published."))
    # A field people never see (hidden by the stylesheet, skipped by the keyboard and screen readers): a robot
    # filling in every field fills this one too.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the request's language.
        self.fields["body"].help_text = gettext("Plain text, %(min)d to %(max)d characters. It is published with "
                                                "the answer.") % {"min": services.BODY_MIN, "max": services.BODY_MAX}


class LookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=30)


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Answer"), max_length=services.ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Published with the question."))


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", _("hide")), ("unhide", _("unhide")), ("close", _("close"))])
    reason = forms.CharField(label=_("Reason"), max_length=services.REASON_MAX, required=False)
