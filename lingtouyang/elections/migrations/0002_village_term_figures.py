# The stale-village triggers: every change to an appointment marks its village (old and new) stale,
# and so does a change to a person's birth date, gender, education or source (all their villages).
# Statement-level on PostgreSQL (one INSERT … SELECT DISTINCT per statement, COPY included), row-level
# on SQLite. Existing villages start stale, so the first report builds their figures.

import django.db.models.deletion
from django.db import migrations, models

PG_FORWARD = """
CREATE FUNCTION elections_stale_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO elections_stalevillage (region_id) SELECT DISTINCT region_id FROM new_rows
  ON CONFLICT (region_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION elections_stale_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO elections_stalevillage (region_id) SELECT DISTINCT region_id FROM old_rows
  ON CONFLICT (region_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION elections_stale_both() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO elections_stalevillage (region_id)
  SELECT region_id FROM old_rows UNION SELECT region_id FROM new_rows
  ON CONFLICT (region_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION elections_stale_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO elections_stalevillage (region_id)
  SELECT DISTINCT a.region_id FROM people_appointment a
  JOIN new_rows n ON n.id = a.person_id JOIN old_rows o ON o.id = n.id
  WHERE (n.birth_date, n.gender, n.education, n.source) IS DISTINCT FROM (o.birth_date, o.gender, o.education, o.source)
  ON CONFLICT (region_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION elections_stale_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM elections_villagetermfigures;
  DELETE FROM elections_stalevillage;
  RETURN NULL;
END $$;
CREATE TRIGGER elections_stale_ins AFTER INSERT ON people_appointment
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION elections_stale_new();
CREATE TRIGGER elections_stale_del AFTER DELETE ON people_appointment
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION elections_stale_old();
CREATE TRIGGER elections_stale_upd AFTER UPDATE ON people_appointment
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION elections_stale_both();
CREATE TRIGGER elections_stale_person AFTER UPDATE ON people_person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION elections_stale_person();
CREATE TRIGGER elections_stale_truncate AFTER TRUNCATE ON people_appointment
  FOR EACH STATEMENT EXECUTE FUNCTION elections_stale_truncate();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS elections_stale_ins ON people_appointment;
DROP TRIGGER IF EXISTS elections_stale_del ON people_appointment;
DROP TRIGGER IF EXISTS elections_stale_upd ON people_appointment;
DROP TRIGGER IF EXISTS elections_stale_person ON people_person;
DROP TRIGGER IF EXISTS elections_stale_truncate ON people_appointment;
DROP FUNCTION IF EXISTS elections_stale_new, elections_stale_old, elections_stale_both, elections_stale_person,
  elections_stale_truncate;
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER elections_stale_ins AFTER INSERT ON people_appointment BEGIN
       INSERT OR IGNORE INTO elections_stalevillage (region_id) VALUES (NEW.region_id); END""",
    """CREATE TRIGGER elections_stale_del AFTER DELETE ON people_appointment BEGIN
       INSERT OR IGNORE INTO elections_stalevillage (region_id) VALUES (OLD.region_id); END""",
    """CREATE TRIGGER elections_stale_upd AFTER UPDATE ON people_appointment BEGIN
       INSERT OR IGNORE INTO elections_stalevillage (region_id) VALUES (OLD.region_id);
       INSERT OR IGNORE INTO elections_stalevillage (region_id) VALUES (NEW.region_id); END""",
    """CREATE TRIGGER elections_stale_person AFTER UPDATE OF birth_date, gender, education, source ON people_person
       WHEN OLD.birth_date IS NOT NEW.birth_date OR OLD.gender IS NOT NEW.gender
         OR OLD.education IS NOT NEW.education OR OLD.source IS NOT NEW.source
       BEGIN INSERT OR IGNORE INTO elections_stalevillage (region_id)
       SELECT DISTINCT region_id FROM people_appointment WHERE person_id = NEW.id; END""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS elections_stale_{name}" for name in ("ins", "del", "upd", "person")]
MARK_ALL = ("INSERT INTO elections_stalevillage (region_id) SELECT DISTINCT region_id FROM people_appointment")


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_FORWARD)
        else:
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)
        cursor.execute(MARK_ALL)


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_BACKWARD)
        else:
            for statement in SQLITE_BACKWARD:
                cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('elections', '0001_initial'),
        ('regions', '0001_initial'),
        ('people', '0005_remove_person_talent_tags'),
    ]

    operations = [
        migrations.CreateModel(
            name='StaleVillage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_id', models.CharField(max_length=12, unique=True)),
            ],
        ),
        migrations.CreateModel(
            name='VillageTermFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.PositiveSmallIntegerField()),
                ('previous_term', models.PositiveSmallIntegerField(null=True)),
                ('members', models.IntegerField()),
                ('age_sum', models.IntegerField()),
                ('young', models.IntegerField()),
                ('women', models.IntegerField()),
                ('college', models.IntegerField()),
                ('age_1', models.IntegerField()),
                ('age_2', models.IntegerField()),
                ('age_3', models.IntegerField()),
                ('age_4', models.IntegerField()),
                ('age_5', models.IntegerField()),
                ('edu_10', models.IntegerField()),
                ('edu_20', models.IntegerField()),
                ('edu_30', models.IntegerField()),
                ('edu_40', models.IntegerField()),
                ('edu_60', models.IntegerField()),
                ('edu_70', models.IntegerField()),
                ('edu_80', models.IntegerField()),
                ('src_migrant_worker', models.IntegerField()),
                ('src_veteran', models.IntegerField()),
                ('src_wealth_creator', models.IntegerField()),
                ('src_graduate', models.IntegerField()),
                ('src_entrepreneur', models.IntegerField()),
                ('src_other', models.IntegerField()),
                ('has_secretary', models.IntegerField()),
                ('dual', models.IntegerField()),
                ('new_secretaries', models.IntegerField()),
                ('new_migrant', models.IntegerField()),
                ('region', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('region', 'term'), name='elections_villageterm_once')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
