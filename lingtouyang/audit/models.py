"""The audit trail: append-only from the application. No view, form, API or admin edits or
deletes a row; the model itself refuses updates and deletes, and so does the database (triggers,
migration 0004).

Tamper evidence (chain.py): each row carries, from its insert, a keyed MAC of its content (a row
written behind the application's back has none that verifies), and is then sealed into one hash
chain (`seq`, `prev_hash`, `entry_hash`) shortly after its transaction commits. `AuditHead` keeps the
chain's head as verified; `AuditAnchor` where the chain starts again after events older than the
retention period were pruned."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
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
    # Set by the application (not auto_now_add) so that the MAC computed before the insert covers it.
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
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
    # Tamper evidence. `algorithm` and `mac` are written with the row; the chain fields when it is sealed.
    algorithm = models.CharField(_("hash algorithm"), max_length=8, blank=True)
    mac = models.CharField(_("MAC"), max_length=64, blank=True)
    seq = models.BigIntegerField(_("chain position"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["region_code", "id"]),
            # Serves "this object's history" with or without its type.
            models.Index(fields=["object_id", "object_type"], name="audit_object"),
            # The rows still to be sealed: a handful at any time, found without reading the table.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
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


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit chain records cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit chain records cannot be deleted")


class _ChainRecord(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit chain records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit chain records cannot be deleted")


class AuditHead(_ChainRecord):
    """The chain's head as verify-audit found it intact: deleting events from the end of the chain
    leaves a head pointing past it. The MAC makes a head that the application did not write stand out."""

    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    seq = models.BigIntegerField(_("chain position"))
    entry_hash = models.CharField(_("hash"), max_length=64)
    mac = models.CharField(_("MAC"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq", "-id"]
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d} {self.seq} {self.entry_hash[:12]}"


class AuditAnchor(_ChainRecord):
    """Where the chain starts after a prune: the first remaining event's position and the hash it links to."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    seq = models.BigIntegerField(_("chain position"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    pruned_before = models.DateField(_("pruned before"))
    pruned = models.BigIntegerField(_("events pruned"))
    mac = models.CharField(_("MAC"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq", "-id"]
        verbose_name = _("audit chain anchor")
        verbose_name_plural = _("audit chain anchors")

    def __str__(self) -> str:
        return f"{self.pruned_before} {self.seq}"
