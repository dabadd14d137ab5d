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
