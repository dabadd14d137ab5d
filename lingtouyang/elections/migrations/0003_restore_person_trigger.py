# On SQLite, removing the plain phone column (people 0007) rebuilt people_person, and a rebuilt table loses its
# triggers: the person trigger of 0002 is made again. PostgreSQL keeps triggers through a column drop.

from django.db import migrations

# As in 0002: a change of a counted attribute marks every village the person holds a post in.
PERSON_TRIGGER = """CREATE TRIGGER elections_stale_person AFTER UPDATE OF birth_date, gender, education, source
    ON people_person
    WHEN OLD.birth_date IS NOT NEW.birth_date OR OLD.gender IS NOT NEW.gender
      OR OLD.education IS NOT NEW.education OR OLD.source IS NOT NEW.source
    BEGIN INSERT OR IGNORE INTO elections_stalevillage (region_id)
    SELECT DISTINCT region_id FROM people_appointment WHERE person_id = NEW.id; END"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS elections_stale_person")
        cursor.execute(PERSON_TRIGGER)
        # Whatever changed while the trigger was missing: every village is rebuilt on the next report.
        cursor.execute("INSERT OR IGNORE INTO elections_stalevillage (region_id) "
                       "SELECT DISTINCT region_id FROM people_appointment")


class Migration(migrations.Migration):

    dependencies = [
        ("elections", "0002_village_term_figures"),
        ("people", "0007_remove_person_phone"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
