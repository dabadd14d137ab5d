from typing import Any

from django.db.models import Model

from lingtouyang.audit.chain import seal_on_commit, stamp
from lingtouyang.audit.context import current_actor
from lingtouyang.audit.models import AuditEvent
from lingtouyang.core.scope import CODE_LENGTH


def _json_safe(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {
        key: [_json_safe(before.get(key)), _json_safe(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def audit_record(
    action: str,
    *,
    obj: Model | None = None,
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = "ok",
    user: Any = None,
) -> AuditEvent:
    actor = current_actor()
    who = user if user is not None else actor.user
    if who is not None and not getattr(who, "is_authenticated", False):
        who = None
    fields = stamp({
        "actor_id": who.pk if who is not None else None,
        "actor_name": getattr(who, "username", "") or ("" if actor.address != "cli" else "cli"),
        "address": actor.address,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        # A prefix ("510521") is stored as its region's 12-digit code, or no scoped reader would see the row.
        "region_code": region_code.ljust(CODE_LENGTH, "0") if region_code else "",
        "changes": changes or {},
        "outcome": outcome,
    })
    event = AuditEvent.objects.create(**fields)
    # Linked into the hash chain once this transaction commits (chain.py says why not now).
    seal_on_commit()
    return event
