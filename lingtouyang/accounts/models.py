from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
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

    # When the password was last set; the password-age rule (LINGTOUYANG_PASSWORD_MAX_AGE_DAYS) reads it.
    # Empty for accounts made before it was kept: their age counts from date_joined.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def scope_prefix(self) -> str:
        return self.region.prefix if self.region_id else ""

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, now: datetime | None = None) -> bool:
        days = settings.LINGTOUYANG_PASSWORD_MAX_AGE_DAYS
        if days <= 0 or not self.has_usable_password():
            return False
        since = self.password_changed_at or self.date_joined
        return (now or timezone.now()) - since > timedelta(days=days)

    def has_capability(self, capability: str) -> bool:
        if self.is_superuser and not self.region_id:
            return True
        return capability in CAPABILITIES.get(self.role, frozenset())

