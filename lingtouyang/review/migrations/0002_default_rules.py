from datetime import date

from django.db import migrations

from lingtouyang.review.seed import DEPARTMENTS, RULES


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    Department = apps.get_model("review", "Department")
    RuleSet = apps.get_model("review", "RuleSet")
    Rule = apps.get_model("review", "Rule")
    departments = {}
    for order, (code, name) in enumerate(DEPARTMENTS):
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    if RuleSet.objects.exists():
        return
    rule_set = RuleSet.objects.create(version=1, effective_from=date(2021, 1, 1), note="默认规则")
    for order, (code, severity, dept, automatic, parameter, applies_to, text) in enumerate(RULES):
        Rule.objects.create(rule_set=rule_set, code=code, severity=severity, text=text,
                            department=departments.get(dept) if dept else None, automatic=automatic,
                            parameter=parameter, applies_to=applies_to, order=order)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
