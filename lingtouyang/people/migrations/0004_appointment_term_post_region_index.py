# The term structure report (elections/report.py) finds the latest term present and reads one or two
# terms' posts: without this index the first is a scan of the whole table (4.9 million rows nationally).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_recompute_name_keys"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["term", "post", "region"], name="appointment_term_post_region"),
        ),
    ]
