"""Appointments and dismissals approved by the county (村官区管, 能上能下): a township or county asks, the
county approves, and only an approved request changes the roster. The request stays as the record of why
someone came or went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region


class RequestQuerySet(ScopedQuerySet):
    # Those who file or approve requests read them; the person page shows the approved ones to every
    # reader of the roster (selectors.person_history).
    scope_capability = "request_appointment"


class AppointmentRequest(models.Model):
    class Kind(models.TextChoices):
        APPOINT = "appoint", _("appointment to a post")
        DISMISS = "dismiss", _("dismissal")
        RESIGN = "resign", _("resignation")
        TRANSFER = "transfer", _("transfer to another post")

    class Basis(models.TextChoices):
        BY_ELECTION = "by_election", _("by-election")
        COUNTY = "county", _("appointed by the county")
        RECRUITMENT = "recruitment", _("public recruitment")
        OTHER = "other", _("other")

    class State(models.TextChoices):
        REQUESTED = "requested", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="appointment_requests")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    # An appointment: its term, start and basis. Every other kind: the appointment it ends, when and why.
    term = models.PositiveSmallIntegerField(_("term (election year)"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, blank=True)
    appointment = models.ForeignKey(Appointment, verbose_name=_("appointment concerned"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="requests")
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    new_post = models.CharField(_("new post"), max_length=24, choices=Post.choices, blank=True)

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for rejecting"), max_length=200, blank=True)
    # The appointment an approved appointment or transfer made.
    result = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("appointment or dismissal request")
        verbose_name_plural = _("appointment and dismissal requests")
        indexes = [
            models.Index(fields=["region", "id"], name="appt_request_region_id"),
            models.Index(fields=["person", "id"], name="appt_request_person_id"),
        ]
        constraints = [
            # The service says so in words first; this holds under concurrent requests too.
            models.UniqueConstraint(fields=["appointment"], condition=Q(state="requested"),
                                    name="appt_request_one_open_per_appointment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person_id} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.REQUESTED

    @property
    def ends(self) -> bool:
        return self.kind != self.Kind.APPOINT
