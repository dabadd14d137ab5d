"""Pinyin of people's names: one function, surnames read as surnames, the same keys wherever a
person is written (form, API, import, demo)."""

from datetime import date

import pytest

from lingtouyang.people import demo, importer, services
from lingtouyang.people.importer import import_roster
from lingtouyang.people.models import Person
from lingtouyang.people.naming import name_keys
from tests import factories
from tests.people.xlsx_files import row, write_roster

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("surname, reading", [
    ("曾", "zeng"), ("覃", "qin"), ("单", "shan"), ("解", "xie"), ("仇", "qiu"), ("区", "ou"), ("查", "zha"),
    ("朴", "piao"), ("盖", "ge"), ("缪", "miao"), ("翟", "zhai"), ("乐", "yue"), ("召", "shao"), ("种", "chong"),
    ("员", "yun"), ("折", "she"), ("重", "chong"), ("繁", "po"), ("秘", "bi"), ("句", "gou"), ("冼", "xian"),
])
def test_a_polyphonic_surname_is_read_as_a_surname(surname, reading):
    assert name_keys(surname + "明") == (reading + "ming", reading[0] + "m")


@pytest.mark.parametrize("name, keys", [
    ("尉迟恭", ("yuchigong", "ycg")), ("万俟卨", ("moqixie", "mqx")), ("长孙无忌", ("zhangsunwuji", "zswj")),
    ("单于明", ("chanyuming", "cym")),
    ("单于", ("shanyu", "sy")),  # two characters: surname 单 and given name 于, not the compound alone
])
def test_a_compound_surname_is_read_as_one(name, keys):
    assert name_keys(name) == keys


def test_the_given_name_is_read_character_by_character():
    assert name_keys("张长江") == ("zhangchangjiang", "zcj")
    assert name_keys("张三") == ("zhangsan", "zs")
    assert name_keys("阿依古丽·买买提") == ("ayigulimaimaiti", "ayglmmt")  # the dot is no syllable


def test_one_function_serves_the_services_the_importer_and_the_demo():
    assert importer.name_keys is name_keys
    assert demo.name_keys is name_keys
    assert services.name_keys is name_keys


def test_a_polyphonic_surname_is_found_by_its_surname_reading(users):
    person = factories.make_person(factories.TANBA, name="曾涛明")
    assert (person.name_pinyin, person.name_initials) == ("zengtaoming", "ztm")
    for q in ("zeng", "ztm", "zengtao"):
        assert list(Person.objects.search(q)) == [person], q
    assert not Person.objects.search("ceng").exists()


def test_a_name_gets_the_same_keys_through_the_form_and_through_the_import(tmp_path, users):
    typed = factories.make_person(factories.TANBA, name="张长江", born=date(1980, 1, 1))
    path = write_roster(tmp_path / "roster.xlsx", [row(name="张长江", born=date(1981, 1, 1))])
    assert import_roster(path, acting_user=users["township"]).ok
    imported = Person.objects.exclude(pk=typed.pk).get(name="张长江")
    assert (typed.name_pinyin, typed.name_initials) == (imported.name_pinyin, imported.name_initials)
    assert (imported.name_pinyin, imported.name_initials) == ("zhangchangjiang", "zcj")


def test_a_rename_recomputes_the_keys(users):
    person = factories.make_person(factories.TANBA, name="张三")
    services.person_update(acting_user=None, person=person, name="覃小红")
    person.refresh_from_db()
    assert (person.name_pinyin, person.name_initials) == ("qinxiaohong", "qxh")


def test_the_migration_recomputes_the_keys_already_stored(users):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lingtouyang.people.migrations.0003_recompute_name_keys")
    zeng = factories.make_person(factories.TANBA, name="曾涛明")
    zhang = factories.make_person(factories.TANBA, name="张长江", born=date(1980, 1, 1))
    Person.objects.filter(pk=zeng.pk).update(name_pinyin="cengtaoming", name_initials="ctm")  # as imported before
    Person.objects.filter(pk=zhang.pk).update(name_pinyin="zhangzhangjiang", name_initials="zzj")
    migration.recompute(apps, None)
    assert sorted(Person.objects.values_list("name_pinyin", "name_initials")) == [
        ("zengtaoming", "ztm"), ("zhangchangjiang", "zcj")]
