"""Our own `check --deploy` warnings: the laptop's defaults that must not reach production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    found = []
    if getattr(settings, "USING_DEV_KEYS", False):
        found.append(Warning(
            "Development keys are in use (made under var/dev-secrets.json).",
            hint="Set SECRET_KEY, FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY from the environment "
                 "(docs/configuration.md).", id="lingtouyang.W001"))
    if not getattr(settings, "LINGTOUYANG_2FA_REQUIRED", False):
        found.append(Warning(
            "A second factor is not required for administrators.",
            hint="Set REQUIRE_2FA=true (the default with real keys).", id="lingtouyang.W002"))
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(Warning(
            "The database is SQLite.",
            hint="Set DATABASE_URL to the PostgreSQL database.", id="lingtouyang.W003"))
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache"):
        found.append(Warning(
            "Rate limits count in each process's own memory: with several web processes each allows the full "
            "number.", hint="Set REDIS_URL.", id="lingtouyang.W004"))
    return found


@register(Tags.security)
def second_factor_roles(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A misspelt role in LINGTOUYANG_2FA_ROLES would silently spare that role the second factor."""
    from lingtouyang.accounts.roles import Role

    unknown = sorted(set(getattr(settings, "LINGTOUYANG_2FA_ROLES", ())) - set(Role.values))
    if not unknown:
        return []
    return [Error(f"LINGTOUYANG_2FA_ROLES names unknown roles: {', '.join(unknown)}",
                  hint=f"Roles are: {', '.join(Role.values)}.", id="lingtouyang.E001")]
