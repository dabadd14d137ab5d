from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("portal", "VisitorCounter").objects.get_or_create(name="home")


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="VisitorCounter",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("count", models.BigIntegerField(default=0, verbose_name="visits")),
            ],
            options={"verbose_name": "visitor counter", "verbose_name_plural": "visitor counters"},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
