"""The reserve pool (后备干部库): people a village grooms for its posts, their merit records from urgent
tasks, and the pool size a village should keep (policy as data: PoolTarget)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.people.codes import Post, Source
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region

# The posts a pool is sized by: every village and community has exactly these single-holder posts
# (党组织书记, 村/居委会主任, 监委会主任), held or vacant, so a village's "posts" is this constant.
POSTS_PER_VILLAGE = 3


class PoolTarget(models.Model):
    """Reserves a village should keep per post, for the villages under `prefix`, from a date on. The most
    specific prefix in force wins (a county's own row over the city's)."""

    prefix = models.CharField(_("region code prefix"), max_length=12)
    per_post = models.PositiveSmallIntegerField(_("reserves per post"))
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["prefix", "-effective_from"]
        verbose_name = _("pool target")
        verbose_name_plural = _("pool targets")
        constraints = [models.UniqueConstraint(fields=["prefix", "effective_from"], name="pool_target_once_a_day")]

    def __str__(self) -> str:
        return f"{self.prefix or '*'}: {self.per_post} ({self.effective_from:%Y-%m-%d})"


class ReserveQuerySet(ScopedQuerySet):
    scope_capability = "view_people"

    def active(self) -> ReserveQuerySet:
        return self.filter(status=Reserve.Status.ACTIVE)


class Reserve(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        APPOINTED = "appointed", _("appointed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="reserves")
    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="reserves", db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    posts = models.JSONField(_("groomed for"), default=list)
    added_on = models.DateField(_("date added"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReserveQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "id"]
        verbose_name = _("reserve")
        verbose_name_plural = _("reserves")
        indexes = [models.Index(fields=["region", "status"], name="reserve_region_status")]
        constraints = [models.UniqueConstraint(fields=["region", "person"], condition=models.Q(status="active"),
                                               name="reserve_active_once_per_village")]

    def __str__(self) -> str:
        return f"{self.person} · {self.region_id}"

    @property
    def post_labels(self) -> list[str]:
        return [str(Post(p).label) for p in self.posts if p in Post.values]


class MeritQuerySet(ScopedQuerySet):
    region_field = "reserve__region_id"
    scope_capability = "view_people"


class Merit(models.Model):
    """What a reserve did in an urgent task, with its evidence file (stored under MEDIA_ROOT/reserves/ by
    a random name, served only through the scoped view)."""

    class Task(models.TextChoices):
        EPIDEMIC = "epidemic", _("epidemic prevention and control")
        FLOOD = "flood", _("flood fighting and rescue")
        POVERTY = "poverty", _("poverty alleviation")
        OTHER = "other", _("other urgent task")

    reserve = models.ForeignKey(Reserve, on_delete=models.PROTECT, related_name="merits")
    task = models.CharField(_("urgent task"), max_length=20, choices=Task.choices)
    description = models.TextField(_("what they did"))
    done_on = models.DateField(_("when"))
    evidence_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_path = models.CharField(max_length=100, blank=True, editable=False)
    evidence_type = models.CharField(max_length=40, blank=True, editable=False)
    evidence_size = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeritQuerySet.as_manager()

    class Meta:
        ordering = ["reserve", "-done_on", "id"]
        verbose_name = _("merit record")
        verbose_name_plural = _("merit records")

    def __str__(self) -> str:
        return f"{self.reserve_id} {self.task} {self.done_on}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_path)
