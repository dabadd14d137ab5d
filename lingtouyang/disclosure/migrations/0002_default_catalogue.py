"""The city's default disclosure catalogue: 52 items (data/catalogue.csv), version 1."""

from django.db import migrations


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    from lingtouyang.disclosure.catalogue import load_default

    load_default(apps.get_model("disclosure", "CatalogueItem"))


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    from lingtouyang.disclosure.catalogue import CITY_CODE

    apps.get_model("disclosure", "CatalogueItem").objects.filter(region_code=CITY_CODE, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
