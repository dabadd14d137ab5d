"""Loads China's 2026 holiday arrangement and the default minimum notice (5 working days) as data."""

from datetime import date

from django.db import migrations


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    from lingtouyang.recruitment.calendar_2026 import CALENDAR_2026, DEFAULT_MIN_NOTICE_WORKDAYS

    CalendarDay = apps.get_model("recruitment", "CalendarDay")
    NoticePolicy = apps.get_model("recruitment", "NoticePolicy")
    for day, is_workday, note in CALENDAR_2026:
        CalendarDay.objects.get_or_create(date=day, defaults={"is_workday": is_workday, "note": note})
    if not NoticePolicy.objects.exists():
        NoticePolicy.objects.create(effective_from=date(2000, 1, 1), min_workdays=DEFAULT_MIN_NOTICE_WORKDAYS,
                                    note="公示期不少于5个工作日")


def unload(apps, schema_editor):  # noqa: ANN001, ANN201
    from lingtouyang.recruitment.calendar_2026 import CALENDAR_2026

    apps.get_model("recruitment", "CalendarDay").objects.filter(date__in=[d for d, _w, _n in CALENDAR_2026]).delete()
    apps.get_model("recruitment", "NoticePolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
