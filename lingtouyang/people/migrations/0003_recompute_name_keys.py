"""The pinyin search keys of people already on the roster, recomputed with people.naming.name_keys:
they were made two ways (phrase-aware in the forms, per character in the import and the demo), and
neither read surnames as surnames (曾 was ceng). Only the rows whose keys change are written."""

from django.db import migrations

PAGE = 20_000
BATCH = 1_000


def recompute(apps, schema_editor) -> None:  # noqa: ANN001
    from lingtouyang.people.naming import name_keys

    Person = apps.get_model("people", "Person")
    last = 0
    while True:  # pages by id: no cursor held open over the rows being updated
        rows = list(Person.objects.filter(id__gt=last).order_by("id")
                    .values_list("id", "name", "name_pinyin", "name_initials")[:PAGE])
        if not rows:
            return
        last = rows[-1][0]
        changed = [Person(id=pk, name_pinyin=keys[0], name_initials=keys[1])
                   for pk, name, full, initials in rows if (keys := name_keys(name)) != (full, initials)]
        Person.objects.bulk_update(changed, ["name_pinyin", "name_initials"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_person_id_index_search_statistics"),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
