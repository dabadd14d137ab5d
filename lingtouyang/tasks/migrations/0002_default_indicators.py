import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "indicators.json"


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    """The three indicators of the issue (roads km, agricultural parks, industrial base mu), from the data file."""
    Indicator = apps.get_model("tasks", "Indicator")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        Indicator.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
