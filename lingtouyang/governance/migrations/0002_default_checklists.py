import json
from datetime import date
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = ["two_committee_rules.json", "power_supervision.json"]


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    """Version 1 of the two default checklists, from the data files (policy as data)."""
    Checklist = apps.get_model("governance", "Checklist")
    ChecklistItem = apps.get_model("governance", "ChecklistItem")
    for name in FILES:
        data = json.loads((DATA / name).read_text(encoding="utf-8"))
        if Checklist.objects.filter(code=data["code"]).exists():
            continue
        checklist = Checklist.objects.create(code=data["code"], name=data["name"], version=data["version"],
                                             effective_from=date.fromisoformat(data["effective_from"]),
                                             note=data.get("note", ""))
        ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, number=n, aspect=aspect, text=text)
                                           for n, (aspect, text) in enumerate(data["items"], start=1)])


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
