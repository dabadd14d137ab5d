import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import import_string

from lingtouyang.accounts.models import User
from lingtouyang.accounts.roles import Role
from lingtouyang.accounts.services import user_create
from lingtouyang.appointments.demo import demo_requests
from lingtouyang.audit.services import audit_record
from lingtouyang.core.bulk import analyze, indexes_deferred
from lingtouyang.elections import figures as term_figures
from lingtouyang.elections.demo import demo_elections
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment, Person
from lingtouyang.recruitment.demo import demo_campaign
from lingtouyang.regions.loader import LUZHOU, load_luzhou, load_national
from lingtouyang.regions.models import Region
from lingtouyang.reserves.demo import demo_reserves
from lingtouyang.review.demo import demo_round
from lingtouyang.secondments.demo import demo_secondments
from lingtouyang.socialwork.demo import demo_policy, demo_registrations
from lingtouyang.training.demo import demo_training
from lingtouyang.training.demo import summary as training_summary

# Printed for everyone to read: the demo refuses to run where production keys are configured.
DEMO_PASSWORD = "lingtouyang-demo"  # noqa: S105
DEMO_USERS = [
    ("city", Role.CITY_ADMIN, "510500000000", "", "泸州市委组织部"),
    ("jiangyang", Role.COUNTY_ADMIN, "510502000000", "", "江阳区委组织部"),
    ("gulin", Role.COUNTY_ADMIN, "510525000000", "", "古蔺县委组织部"),
    ("luxian", Role.COUNTY_ADMIN, "510521000000", "", "泸县县委组织部"),
    ("yusi", Role.TOWNSHIP_OFFICER, "510521102000", "", "喻寺镇组织委员"),
    ("tanba", Role.VILLAGE_CADRE, "510521102237", "", "谭坝村干部"),
    ("tanba-jw", Role.SUPERVISOR, "510521102237", "", "谭坝村监委会"),
    ("gulin-police", Role.DEPT_REVIEWER, "510525000000", "公安", "古蔺县公安局"),
]
# Use and management, then open village affairs: each part builds its own demo, in this order (pay needs the
# grades and the collective accounts; the portal renders what disclosure published and oversight asked).
LATER_DEMOS = [f"lingtouyang.{app}.demo.demo_{app}" for app in (
    "assessments", "economy", "careers", "care", "tasks", "governance", "pay", "disclosure", "oversight", "portal")]
SCALES = {"city": LUZHOU[0][:4], "province": "51", "national": ""}


def link_village_account(username: str, village: str) -> bool:
    """The demo cadre's account names its roster entry (the village's current party secretary), so it can
    check in to training and see its own record. Once: an account already linked is left as it is."""
    user = User.objects.filter(username=username, person__isnull=True).first()
    secretary = (Appointment.objects.current().filter(region_id=village, post="party_secretary",
                                                      person__account__isnull=True)
                 .order_by("start_date", "id").first())
    if user is None or secretary is None:
        return False
    user.person_id = secretary.person_id
    with transaction.atomic():
        user.save(update_fields=["person"])
        audit_record("account.link_person", obj=user, region_code=village,
                     changes={"person": [None, secretary.person_id]})
    return True


class Command(BaseCommand):
    help = "Build the demo: migrate, load divisions, generate cadres, create demo accounts, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="only build the data")
        parser.add_argument("--scale", choices=list(SCALES), default="city",
                            help="city: Luzhou (~10,000 cadres); province: Sichuan; national: 620,573 villages (~4 million)")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.USING_DEV_KEYS:
            raise CommandError("this installation has production keys; demo data and its published passwords "
                               "belong on a development database")
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        scale = opts["scale"]
        added = load_luzhou() if scale == "city" else load_national()
        self.stdout.write(f"regions: {added} added")

        def progress(villages: int, people: int) -> None:
            sys.stderr.write(f"\r  {villages:,} villages, {people:,} people")
            sys.stderr.flush()

        villages = villages_without_people(SCALES[scale])
        if scale != "city" and not Person.objects.exists():
            # A fresh province or country: one transaction, the roster's indexes built once at its end
            # (national, on 2 cores: 4 minutes instead of 11). An interrupted build leaves no people.
            with transaction.atomic(), indexes_deferred(Person, Appointment):
                people, appointments = generate(villages, progress)
        else:
            people, appointments = generate(villages, progress if scale != "city" else None)
        if scale != "city":
            sys.stderr.write("\n")
        self.stdout.write(f"people: {people} added, appointments: {appointments} added")
        if people:
            audit_record("demo.generate", changes={"scale": scale, "people": people, "appointments": appointments})
        if people or added:
            analyze(Region, Person, Appointment)
        for username, role, region, department, name in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                user_create(acting_user=None, username=username, role=role, region_code=region,
                            password=DEMO_PASSWORD, department=department, full_name=name, check_password=False)
        if link_village_account("tanba", "510521102237"):
            self.stdout.write("my training: tanba is linked to 谭坝村's party secretary")
        if demo_round() is not None:
            self.stdout.write("joint review: one round in progress in 古蔺县")
        if demo_campaign() is not None:
            self.stdout.write("public recruitment: one campaign in its public notice in 江阳区")
        if elections := demo_elections(SCALES["city"]):
            self.stdout.write(f"term elections: {elections} elections added")
        if requests := demo_requests():
            self.stdout.write(f"appointments and dismissals: {requests} requests in 泸县")
        if reserves := demo_reserves(SCALES["city"]):
            self.stdout.write(f"reserve pools: {reserves} reserves added")
        if seconded := demo_secondments(SCALES["city"]):
            self.stdout.write(f"secondments: {seconded} community secretaries seconded to Shanghai and Chengdu")
        rates = demo_policy(SCALES["city"])
        if (certified := demo_registrations(SCALES["city"])) or rates:
            self.stdout.write(f"social-work certification: {certified} certified social workers, {rates} subsidy rates")
        if any((trained := demo_training(SCALES["city"])).values()):
            self.stdout.write(training_summary(trained))
        for dotted in LATER_DEMOS:
            if line := import_string(dotted)(SCALES["city"]):
                self.stdout.write(line)
        # The term report's per-village figures, built now rather than on the first visit to the report.
        if term_figures.refresh(""):
            self.stdout.write("term report: per-village figures built")
        self.stdout.write(f"ready in {time.monotonic() - started:.1f}s; database: {settings.DATABASES['default']['NAME']}")
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for username, role, region, _department, name in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {Role(role).label} · {name} ({region})")
        if not opts["no_serve"]:
            self.stdout.write("")
            self.stdout.write(f"Open http://{opts['addr']}/  (Ctrl-C to stop)")
            call_command("runserver", opts["addr"], insecure_serving=True, use_reloader=False)
