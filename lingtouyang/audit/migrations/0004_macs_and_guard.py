"""Events written before the chain existed get their MAC now (they are trusted as they stand at the upgrade),
and then the database starts refusing changes (guard.py). They are sealed by the next seal()."""

from typing import Any

from django.db import migrations


def mac_existing(apps: Any, schema_editor: Any) -> None:
    from lingtouyang.audit.chain import CONTENT_FIELDS, stamp
    from lingtouyang.core import digest

    AuditEvent = apps.get_model("audit", "AuditEvent")
    conn = schema_editor.connection
    table = conn.ops.quote_name("audit_auditevent")
    after = 0
    while True:
        rows = list(AuditEvent.objects.filter(mac="", id__gt=after).order_by("id").values("id", *CONTENT_FIELDS)[:2000])
        if not rows:
            return
        updates = []
        for row in rows:
            stamped = stamp({k: row[k] for k in CONTENT_FIELDS})
            updates.append((digest.algorithm(), stamped["mac"], row["id"]))
        with conn.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET algorithm = %s, mac = %s WHERE id = %s", updates)
        after = rows[-1]["id"]


def install(apps: Any, schema_editor: Any) -> None:
    from lingtouyang.audit import guard

    guard.install(schema_editor)


def remove(apps: Any, schema_editor: Any) -> None:
    from lingtouyang.audit import guard

    guard.remove(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_chain"),
    ]

    operations = [
        migrations.RunPython(mac_existing, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]
