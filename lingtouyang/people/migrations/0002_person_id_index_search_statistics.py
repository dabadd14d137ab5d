from django.db import migrations, models

SEARCH_COLUMNS = ("name", "name_pinyin", "name_initials")


def _statistics(target: int):  # noqa: ANN202
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        # Finer histograms for the prefix-searched columns (PostgreSQL only; SQLite has no such
        # setting). With the default, `LIKE 'zzz%'` was estimated at 30,000 rows of 4 million instead
        # of 85, and the planner walked the whole (region, id) index to fill a page: 0.5 s, not 0.5 ms.
        if schema_editor.connection.vendor != "postgresql":
            return
        columns = ", ".join(f"ALTER COLUMN {c} SET STATISTICS {target}" for c in SEARCH_COLUMNS)
        schema_editor.execute(f"ALTER TABLE people_person {columns}")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="id_index",
            field=models.CharField(editable=False, max_length=32),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(fields=("id_index",), name="person_id_index_unique"),
        ),
        migrations.RunPython(_statistics(1000), _statistics(-1)),
    ]
