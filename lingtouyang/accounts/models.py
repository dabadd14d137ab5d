from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.accounts.roles import CAPABILITIES, Role
from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.regions.models import Region


class UserQuerySet(ScopedQuerySet):
    scope_capability = "manage_accounts"


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.CharField(_("department"), max_length=50, blank=True)
    # The roster entry of a cadre who logs in: what they check in as and whose record "my training" shows.
    person = models.OneToOneField(
        "people.Person", verbose_name=_("roster entry"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="account",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def scope_prefix(self) -> str:
        return self.region.prefix if self.region_id else ""

    def has_capability(self, capability: str) -> bool:
        if self.is_superuser and not self.region_id:
            return True
        return capability in CAPABILITIES.get(self.role, frozenset())

