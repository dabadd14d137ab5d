from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0006_person_phone_encrypted"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="person",
            name="phone",
        ),
    ]
