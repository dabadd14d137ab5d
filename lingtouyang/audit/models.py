"""The audit trail: append-only from the application. No view, form, API or admin edits or
deletes a row; the model itself refuses updates and deletes."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    region_field = "region_code"
    scope_capability = "view_audit"

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    region_code = models.CharField(_("region"), max_length=12, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, default="ok")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["region_code", "id"]),
            # Serves "this object's history" with or without its type.
            models.Index(fields=["object_id", "object_type"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def changes_lines(self) -> list[str]:
        """`field: old → new` for a change; `key: value` for other details."""
        lines = []
        for key, value in (self.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                old, new = ("–" if v in (None, "") else v for v in value)
                lines.append(f"{key}: {old} → {new}")
            elif value not in (None, ""):
                lines.append(f"{key}: {value}")
        return lines
