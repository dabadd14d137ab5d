"""Phone numbers encrypted at rest: each stored number moves into phone_cipher (core/crypto.py, under the
current key and cipher) with its masked form beside it; the plain column goes in the next migration.
Pages by id, so no cursor stays open over the rows being written."""

from django.db import migrations, models

PAGE = 2_000


def encrypt_phones(apps, schema_editor) -> None:  # noqa: ANN001
    from lingtouyang.core import crypto

    Person = apps.get_model("people", "Person")
    last = 0
    while True:
        rows = list(Person.objects.filter(id__gt=last).order_by("id").values_list("id", "phone")[:PAGE])
        if not rows:
            return
        last = rows[-1][0]
        changed = [Person(id=pk, phone_cipher=crypto.encrypt(phone), phone_masked=crypto.mask_phone(phone))
                   for pk, phone in rows if phone]
        Person.objects.bulk_update(changed, ["phone_cipher", "phone_masked"], batch_size=500)


def decrypt_phones(apps, schema_editor) -> None:  # noqa: ANN001
    from lingtouyang.core import crypto

    Person = apps.get_model("people", "Person")
    last = 0
    while True:
        rows = list(Person.objects.filter(id__gt=last, phone_cipher__isnull=False).order_by("id")
                    .values_list("id", "phone_cipher")[:PAGE])
        if not rows:
            return
        last = rows[-1][0]
        Person.objects.bulk_update([Person(id=pk, phone=crypto.decrypt(blob)) for pk, blob in rows], ["phone"],
                                   batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0005_remove_person_talent_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="phone_cipher",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
    ]
