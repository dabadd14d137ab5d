"""Seeds the response deadlines in force in Sichuan: the village answers within 10 days, then the township
within 20 more (a later row with a later date, or a longer prefix, changes this; rows are never edited)."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    Policy = apps.get_model("oversight", "ResponsePolicy")
    Policy.objects.get_or_create(prefix="51", effective_from=date(2020, 1, 1),
                                 defaults={"village_days": 10, "township_days": 20, "note": "四川省村务公开质询答复时限"})


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
