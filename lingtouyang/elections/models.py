"""Term elections (换届): one election per village, term and kind — the party branch committee or the
villagers' (residents') committee — with its candidates and, once held, their votes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class ElectionQuerySet(ScopedQuerySet):
    scope_capability = "view_elections"


class Election(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", _("party branch committee")
        COMMITTEE = "committee", _("villagers' (residents') committee")

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CERTIFIED = "certified", _("certified")
        CANCELLED = "cancelled", _("cancelled")

    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    term = models.PositiveSmallIntegerField(_("term (election year)"))
    kind = models.CharField(_("election"), max_length=10, choices=Kind.choices)
    election_date = models.DateField(_("election date"))
    # {post: number of seats}; the posts this election fills, and nothing else.
    seats = models.JSONField(_("seats"), default=dict)
    electorate = models.PositiveIntegerField(
        _("electorate"), null=True, blank=True,
        help_text=_("party members (party branch) or registered voters (committee)"))
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    held_at = models.DateTimeField(null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    certified_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ElectionQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-term", "kind", "-id"]
        verbose_name = _("term election")
        verbose_name_plural = _("term elections")
        indexes = [models.Index(fields=["region", "term"], name="election_region_term"),
                   models.Index(fields=["term", "region"], name="election_term_region")]
        constraints = [
            # A village holds one election of each kind per term; a cancelled one may be held again.
            models.UniqueConstraint(fields=["region", "term", "kind"], name="election_once_per_term",
                                    condition=~models.Q(state="cancelled")),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.term} {self.kind}"


class CandidateQuerySet(ScopedQuerySet):
    region_field = "election__region_id"
    scope_capability = "view_elections"


class ElectionCandidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["election", "post", "id"]
        verbose_name = _("election candidate")
        verbose_name_plural = _("election candidates")
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="election_candidate_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.post}"


class VillageTermFigures(models.Model):
    """The term report's counts for one village and term, kept so that a report over a province or the
    country sums one row per village instead of reading every person. Derived data: never edited, only
    rebuilt by `figures.refresh`, for the villages the database has marked stale (StaleVillage) since."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    term = models.PositiveSmallIntegerField()
    # The village's own term before this one (None: none on the roster); new secretaries are counted
    # against it.
    previous_term = models.PositiveSmallIntegerField(null=True)
    members = models.IntegerField()
    age_sum = models.IntegerField()
    young = models.IntegerField()
    women = models.IntegerField()
    college = models.IntegerField()
    age_1 = models.IntegerField()  # the bands of figures.AGE_BANDS, in order
    age_2 = models.IntegerField()
    age_3 = models.IntegerField()
    age_4 = models.IntegerField()
    age_5 = models.IntegerField()
    edu_10 = models.IntegerField()  # people.codes.EDUCATION_CHOICES, by code
    edu_20 = models.IntegerField()
    edu_30 = models.IntegerField()
    edu_40 = models.IntegerField()
    edu_60 = models.IntegerField()
    edu_70 = models.IntegerField()
    edu_80 = models.IntegerField()
    src_migrant_worker = models.IntegerField()  # people.codes.Source, by value
    src_veteran = models.IntegerField()
    src_wealth_creator = models.IntegerField()
    src_graduate = models.IntegerField()
    src_entrepreneur = models.IntegerField()
    src_other = models.IntegerField()
    has_secretary = models.IntegerField()  # 1 if the village has a party secretary this term
    dual = models.IntegerField()  # 1 if that secretary is also the committee director (一肩挑)
    new_secretaries = models.IntegerField()
    new_migrant = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "term"], name="elections_villageterm_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.term}"


class StaleVillage(models.Model):
    """A village whose roster changed since its VillageTermFigures were built. Written by database
    triggers on the people and appointments (see migration 0002), so that no writer can forget it."""

    region_id = models.CharField(max_length=12, unique=True)

    def __str__(self) -> str:
        return self.region_id
