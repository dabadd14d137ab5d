from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.accounts.roles import Role
from lingtouyang.people.forms import RegionCodeField


class AccountForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    region = RegionCodeField(label=_("region"), help_text=_("the region the account is bound to"))
    department = forms.CharField(label=_("department"), max_length=50, required=False,
                                 help_text=_("for a joint-review department reviewer"))
    password1 = forms.CharField(label=_("password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("password again"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("the two passwords differ"))
        return data


class AccountEditForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    region = RegionCodeField(label=_("region"), help_text=_("the region the account is bound to"))
    department = forms.CharField(label=_("department"), max_length=50, required=False,
                                 help_text=_("for a joint-review department reviewer"))
    is_active = forms.BooleanField(label=_("account in use"), required=False,
                                   help_text=_("an inactive account cannot log in, and its open sessions end"))


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app; what counts as well-formed is the service's to say."""

    code = forms.CharField(
        label=_("six-digit code"), max_length=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True,
                                      "size": 8}),
    )
