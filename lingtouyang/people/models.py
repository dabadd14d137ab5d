from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingtouyang.core import crypto
from lingtouyang.core.scope import ScopedQuerySet, in_prefix, user_prefix
from lingtouyang.people.codes import (
    EDUCATION_CHOICES,
    ETHNICITY_CHOICES,
    POLITICAL_STATUS_CHOICES,
    Gender,
    Post,
    Source,
)
from lingtouyang.regions.models import Region


class PersonQuerySet(ScopedQuerySet):
    scope_capability = "view_people"

    def search(self, term: str) -> PersonQuerySet:
        """Name, pinyin or initials, from the start (index-friendly)."""
        term = term.strip()
        if not term:
            return self
        if term.isascii():
            low = term.lower()
            return self.filter(Q(name_pinyin__startswith=low) | Q(name_initials__startswith=low))
        return self.filter(name__startswith=term)


class Person(models.Model):
    region = models.ForeignKey(
        Region, verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="people",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False)
    name_initials = models.CharField(max_length=50, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, default="01")
    birth_date = models.DateField(_("birth date"))
    id_cipher = models.BinaryField(editable=False)
    id_index = models.CharField(max_length=32, editable=False)  # unique: see Meta.constraints
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    political_status = models.CharField(_("political status"), max_length=2, choices=POLITICAL_STATUS_CHOICES)
    education = models.CharField(_("education"), max_length=2, choices=EDUCATION_CHOICES)
    # The phone number only encrypted (core/crypto.py); lists and read-only roles get the masked form.
    phone_cipher = models.BinaryField(null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["region", "id"], name="person_region_id"),
            # Prefix search (LIKE 'x%'); the opclass lets PostgreSQL use the index whatever the collation.
            models.Index(fields=["name"], name="person_name", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_pinyin"], name="person_pinyin", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_initials"], name="person_initials", opclasses=["varchar_pattern_ops"]),
        ]
        # A constraint rather than unique=True: on PostgreSQL, unique=True on a CharField also gets a
        # LIKE (varchar_pattern_ops) index, which no query uses and every insert (import, demo) pays for.
        constraints = [models.UniqueConstraint(fields=["id_index"], name="person_id_index_unique")]

    def __str__(self) -> str:
        return self.name

    def full_id_number(self) -> str:
        """Decrypts; callers must have checked `view_full_id` and audited the view."""
        return crypto.decrypt(self.id_cipher)

    def phone_number(self) -> str:
        """The phone number in clear; for those who maintain the roster (see `phone_for`)."""
        return crypto.decrypt(self.phone_cipher) if self.phone_cipher else ""

    def phone_for(self, user: Any) -> str:
        """Full for those who may edit this person (they keep the roster and call the cadres), masked for
        everyone else who sees them."""
        prefix = user_prefix(user, "edit_people") if user is not None else ""
        return self.phone_number() if prefix is not None and in_prefix(self.region_id, prefix) else self.phone_masked


def phone_columns(phone: str) -> tuple[bytes | None, str]:
    """(phone_cipher, phone_masked) for a parsed phone number, or an empty one; batch writers use it."""
    return (crypto.encrypt(phone), crypto.mask_phone(phone)) if phone else (None, "")


# The columns batch writers (import, demo data) fill, in the order their row tuples follow.
PERSON_BULK_FIELDS = ["id", "region_id", "name", "name_pinyin", "name_initials", "gender", "ethnicity", "birth_date",
                      "id_cipher", "id_index", "id_masked", "political_status", "education", "phone_cipher",
                      "phone_masked", "source",
                      "created_at", "updated_at"]


class AppointmentQuerySet(ScopedQuerySet):
    scope_capability = "view_people"

    def current(self, on: date | None = None) -> AppointmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gt=day), start_date__lte=day)


class Appointment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appointments")
    region = models.ForeignKey(
        Region, verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="appointments",
        db_index=False,
    )
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    term = models.PositiveSmallIntegerField(_("term (election year)"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "post", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["region", "post"], name="appointment_region_post"),
            # A term's posts: the latest term present, and the term structure report (elections/report.py).
            models.Index(fields=["term", "post", "region"], name="appointment_term_post_region"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_post_display()}"


class ImportJobQuerySet(ScopedQuerySet):
    region_field = "region_code"
    scope_capability = "import_people"

    def visible_to(self, user, capability=None):  # type: ignore[no-untyped-def]
        # A job is its uploader's: others in the same county do not see each other's files.
        return super().visible_to(user, capability).filter(created_by=user)


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        FAILED = "failed", _("rejected")

    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, blank=True)
    file_name = models.CharField(max_length=200)
    stored_path = models.CharField(max_length=500)
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    appointments = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
