"""The demo data: deterministic, consistent with the ID rules, and built only once."""

from collections import Counter

from django.core.management import call_command

from lingtouyang.accounts.models import User
from lingtouyang.elections.models import StaleVillage, VillageTermFigures
from lingtouyang.people.codes import DIRECTOR_POSTS, Post
from lingtouyang.people.idnumber import parse_id_number
from lingtouyang.people.models import Appointment, Person
from lingtouyang.people.rules import post_problem
from lingtouyang.regions.models import Level, Region


def test_demo_builds_once_and_the_data_agrees_with_the_rules(db, capsys):
    call_command("demo", no_serve=True)
    people, appointments = Person.objects.count(), Appointment.objects.count()
    villages = Region.objects.filter(level=Level.VILLAGE).count()
    assert villages == 1488
    cadres = Person.objects.filter(appointments__in=Appointment.objects.current()).distinct().count()
    assert 9_000 <= cadres <= 11_000  # about 10,000 cadres on Luzhou's real villages (beside the reserves)
    # …and the 2016 team they replaced: those who were not re-elected left at the 2021 election.
    left = Person.objects.filter(appointments__term=2016, appointments__end_reason="换届离任").distinct().count()
    assert 5_000 <= left <= 9_000
    assert not Appointment.objects.filter(term=2016, end_date__isnull=True).exists()
    assert "lingtouyang-demo" in capsys.readouterr().out
    # The term report's figures are built by the demo, not left for the first visitor.
    assert not StaleVillage.objects.exists()
    assert VillageTermFigures.objects.filter(term=2021).count() == villages

    call_command("demo", no_serve=True)  # a second run adds nothing
    assert (Person.objects.count(), Appointment.objects.count()) == (people, appointments)
    assert User.objects.filter(username__in=["city", "jiangyang", "yusi", "tanba"]).count() == 4

    # Every ID number decrypts, validates, and agrees with birth date, gender and county.
    for person in Person.objects.order_by("id")[:300]:
        info = parse_id_number(person.full_id_number())
        assert (info.birth_date, info.gender) == (person.birth_date, person.gender)
        assert info.number[:6] == person.region_id[:6]
        assert person.id_masked == info.masked

    # Posts fit the kind of region, and no village has two current secretaries.
    kinds = dict(Region.objects.filter(level=Level.VILLAGE).values_list("code", "kind"))
    current = list(Appointment.objects.current().values_list("region_id", "post", "person_id"))
    assert all(post_problem(post, kinds[code]) is None for code, post, _ in current)
    secretaries = Counter(code for code, post, _ in current if post == Post.PARTY_SECRETARY)
    assert max(secretaries.values()) == 1 and len(secretaries) == villages

    # 一肩挑 in nearly every village, as in Luzhou 2021 (99.2%).
    directors = {(code, person) for code, post, person in current if post in DIRECTOR_POSTS}
    dual = sum(1 for code, post, person in current if post == Post.PARTY_SECRETARY and (code, person) in directors)
    assert dual / villages > 0.97


def test_demo_is_deterministic(db):
    from lingtouyang.people.demo import generate

    generate(iter([("510521102237", "village")]))
    first = list(Person.objects.order_by("id").values_list("name", "birth_date", "id_index"))
    Appointment.objects.all().delete()
    Person.objects.all().delete()
    generate(iter([("510521102237", "village")]))
    assert list(Person.objects.order_by("id").values_list("name", "birth_date", "id_index")) == first
