"""The city's default pool target: 2 reserves per post for every village of Luzhou. A county may add its
own row (a longer prefix), which then wins for its villages."""

from datetime import date

from django.db import migrations

CITY_PREFIX = "5105"


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    PoolTarget = apps.get_model("reserves", "PoolTarget")
    PoolTarget.objects.get_or_create(prefix=CITY_PREFIX, effective_from=date(2021, 1, 1),
                                     defaults={"per_post": 2, "note": "泸州市默认：每个岗位2名后备力量"})


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("reserves", "PoolTarget").objects.filter(prefix=CITY_PREFIX, effective_from=date(2021, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("reserves", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
