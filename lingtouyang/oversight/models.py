"""Residents' oversight (云监督).

- `ResponsePolicy`: how many days a village has to answer a resident, and the township after it, as data
  (region prefix, effective date; the longest prefix in force on the day of submission wins; seeded: Sichuan
  `51`, 10 and 20 days). Rows are never edited: a change is a new row with a later date.
- `Thread`: one resident's question or complaint about a village, or about one published disclosure of it.
  Its due dates are pinned when it arrives (the policy in force then), so a later policy never moves them.
  open → answered | escalated → answered_by_township; answered → closed. Hiding is moderation beside the
  state (`hidden_at` and a reason): unhiding gives the thread back as it was.
- `Answer`: an answer by the village or the township, never edited.

The resident's phone number is stored only encrypted (core/crypto.py) and never leaves the back office;
the submitter's address is kept only as a keyed hash, for rate limiting."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingtouyang.core import crypto
from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.regions.models import Region


class AppendOnlyError(Exception):
    """Policy rows and answers are never edited in place."""


class ResponsePolicy(models.Model):
    prefix = models.CharField(_("region code prefix"), max_length=12)
    village_days = models.PositiveSmallIntegerField(_("days for the village to answer"))
    township_days = models.PositiveSmallIntegerField(_("days for the township to answer after escalation"))
    effective_from = models.DateField(_("in force from"))
    note = models.CharField(_("source of the rule"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["prefix", "-effective_from"]
        verbose_name = _("response deadline policy")
        verbose_name_plural = _("response deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "effective_from"], name="oversight_policy_version"),
            models.CheckConstraint(condition=models.Q(village_days__gte=1, township_days__gte=1),
                                   name="oversight_policy_days"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix or '*'} {self.effective_from}: {self.village_days}/{self.township_days}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("policy rows are versioned, not edited")
        super().save(*args, **kwargs)


class Kind(models.TextChoices):
    QUESTION = "question", _("question")
    COMPLAINT = "complaint", _("complaint")


class State(models.TextChoices):
    OPEN = "open", _("awaiting the village's answer")
    ANSWERED = "answered", _("answered by the village")
    ESCALATED = "escalated", _("escalated to the township")
    ANSWERED_BY_TOWNSHIP = "answered_by_township", _("answered by the township")
    CLOSED = "closed", _("settled and closed")


class ThreadQuerySet(ScopedQuerySet):
    scope_capability = "view_disclosure"

    def escalated_on(self, day: date) -> ThreadQuerySet:
        """Escalated, stored or due: an open thread past its village due date counts as escalated even before
        the escalation command has run, so a list is right whenever it is read."""
        return self.filter(hidden_at__isnull=True).filter(
            models.Q(state=State.ESCALATED) | models.Q(state=State.OPEN, village_due__lt=day))

    def overdue_on(self, day: date) -> ThreadQuerySet:
        """Still unanswered past the township's deadline too: both levels missed theirs."""
        return self.filter(hidden_at__isnull=True, state__in=[State.OPEN, State.ESCALATED], township_due__lt=day)

    def awaiting(self) -> ThreadQuerySet:
        return self.filter(hidden_at__isnull=True, state__in=[State.OPEN, State.ESCALATED])


class Thread(models.Model):
    reference = models.CharField(_("reference number"), max_length=12, unique=True, editable=False)
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    disclosure = models.ForeignKey("disclosure.Disclosure", verbose_name=_("disclosure"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="feedback_threads")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    body = models.TextField(_("question or complaint"))
    contact_name = models.CharField(_("name (optional)"), max_length=30, blank=True)
    # AES-GCM ciphertext of the phone number; never rendered publicly nor returned by the public API.
    phone_cipher = models.BinaryField(null=True, blank=True, editable=False)
    submitter_hash = models.CharField(max_length=32, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.OPEN)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    village_due = models.DateField(_("village to answer by"))
    township_due = models.DateField(_("township to answer by"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("feedback thread")
        verbose_name_plural = _("feedback threads")
        indexes = [
            models.Index(fields=["region", "id"], name="oversight_thread_region"),
            models.Index(fields=["state", "village_due"], name="oversight_thread_due"),
            models.Index(fields=["submitter_hash", "submitted_at"], name="oversight_thread_submitter"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def phone(self) -> str:
        """The phone number in clear, for the back office only."""
        return crypto.decrypt(self.phone_cipher) if self.phone_cipher else ""

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def state_on(self, day: date | None = None) -> str:
        """The state as of `day`: an open thread past its village due date is escalated even if the
        escalation command has not run yet (it will store the same)."""
        day = day or timezone.localdate()
        if self.state == State.OPEN and self.village_due < day and not self.is_hidden:
            return State.ESCALATED
        return self.state

    @property
    def current_state(self) -> str:
        return self.state_on()

    @property
    def current_state_label(self) -> str:
        return State(self.current_state).label

    def is_overdue(self, day: date | None = None) -> bool:
        """As `ThreadQuerySet.overdue_on`."""
        day = day or timezone.localdate()
        return not self.is_hidden and self.state in (State.OPEN, State.ESCALATED) and self.township_due < day


class AnswerQuerySet(ScopedQuerySet):
    scope_capability = "view_disclosure"


class Answer(models.Model):
    class By(models.TextChoices):
        VILLAGE = "village", _("the village")
        TOWNSHIP = "township", _("the township")

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="answers")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)  # the thread's
    by = models.CharField(_("answered by"), max_length=10, choices=By.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    body = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["thread_id", "created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.body[:20]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("answers are never edited")
        super().save(*args, **kwargs)
