"""Village affairs disclosure (村务公开).

- `CatalogueItem`: one version of an item of the disclosure catalogue (村(居)务公开指导目录). Items are
  policy as data: a new version is a new row with the same (region_code, code) and a later
  `effective_from`; the version in force on a day is the latest one already in force, and a version with
  `retired` set ends the item. The city's items (seeded: 52) apply to every village of the city; a
  county's own items apply to its villages only.
- `Disclosure`: one village's disclosure of an item for a period, moving draft → submitted (in review by
  the supervision committee) → reviewed → approved (township) → published. A published disclosure is never
  changed or deleted (the model and its queryset refuse it); a correction is a new disclosure that
  `corrects` the published one and says why, and goes through the same steps.
- `FinanceLine` and `Attachment` belong to a disclosure and are frozen with it.
- `LedgerEntry`: the village's hash chain, one entry per published disclosure, append-only; `LedgerHead`:
  the chain's head published each day (see ledger.py)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import ScopedQuerySet
from lingtouyang.regions.models import Region


class AppendOnlyError(Exception):
    """Raised by any attempt to change or delete what has been published."""


class Category(models.TextChoices):
    PARTY = "party", _("party affairs")  # 党务
    VILLAGE = "village", _("village affairs")  # 村务(政务)
    FINANCE = "finance", _("finance")  # 财务
    SERVICE = "service", _("services")  # 服务(事务)


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")
    YEARLY = "yearly", _("yearly")
    ON_OCCURRENCE = "on_occurrence", _("on occurrence")


# Months per period of each scheduled frequency (on occurrence has no schedule).
PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


class CatalogueQuerySet(ScopedQuerySet):
    region_field = "region_code"
    scope_capability = "view_disclosure"


class CatalogueItem(models.Model):
    """One version of a catalogue item. The due rule is data: the disclosure of a period is due on day
    `due_day` (clamped to the month's length) of the `due_months_after`-th month after the period ends
    (1 = the month right after: a quarter's disclosure by the 20th of the next quarter's first month)."""

    region_code = models.CharField(_("owner"), max_length=12)  # the city or a county, 12 digits
    code = models.CharField(_("item code"), max_length=20)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("in force from"))
    retired = models.BooleanField(_("retired"), default=False)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what to disclose"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=15, choices=Frequency.choices)
    is_finance = models.BooleanField(_("finance (income and expense lines)"), default=False)
    has_personal_data = models.BooleanField(_("lists residents"), default=False)
    due_day = models.PositiveSmallIntegerField(_("due on day"), default=20)
    due_months_after = models.PositiveSmallIntegerField(_("due in month after the period"), default=1)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("reason for this version"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code", "-version"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "code", "version"], name="disclosure_item_version"),
            models.CheckConstraint(condition=models.Q(due_day__gte=1, due_day__lte=31), name="disclosure_item_due_day"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Policy rows are never edited in place: a change is a new version.
        if self.pk is not None:
            raise AppendOnlyError("catalogue items are versioned, not edited")
        super().save(*args, **kwargs)

    @property
    def key(self) -> str:
        """What stays the same across versions: a disclosure names the item by it."""
        return f"{self.region_code}:{self.code}"


class DisclosureQuerySet(ScopedQuerySet):
    scope_capability = "view_disclosure"

    def published(self) -> DisclosureQuerySet:
        """Published versions only (originals and corrections): all the public may ever see."""
        return self.filter(state=Disclosure.State.PUBLISHED)

    def current(self) -> DisclosureQuerySet:
        """Versions no published correction has replaced: what a public page lists."""
        return self.exclude(corrected_by__state=Disclosure.State.PUBLISHED)

    def update(self, **kwargs: Any) -> int:
        if self.filter(state=Disclosure.State.PUBLISHED).exists():
            raise AppendOnlyError("published disclosures cannot be changed")
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        raise AppendOnlyError("disclosures cannot be deleted")


class Disclosure(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("in review")
        REVIEWED = "reviewed", _("reviewed")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")

    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    item = models.ForeignKey(CatalogueItem, verbose_name=_("catalogue item"), on_delete=models.PROTECT,
                             related_name="disclosures")
    item_key = models.CharField(max_length=40, editable=False)  # item.key, for compliance by index
    period_label = models.CharField(_("period"), max_length=40)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # [{"title": str, "columns": [{"label": str, "kind": ColumnKind}], "rows": [[cell, ...], ...]}]; ID numbers
    # are masked and phone columns dropped by the service before saving (masking.py), so nothing stored here
    # is more than the public may see.
    tables = models.JSONField(_("tables"), default=list, blank=True)
    opening_balance = models.DecimalField(_("opening balance"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    closing_balance = models.DecimalField(_("closing balance"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="corrected_by")
    correction_reason = models.TextField(_("what is corrected and why"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [
            models.Index(fields=["region", "item_key", "period_start"], name="disclosure_village_item"),
            models.Index(fields=["region", "state", "id"], name="disclosure_village_state"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and getattr(self, "_stored_state", None) == self.State.PUBLISHED:
            raise AppendOnlyError("published disclosures cannot be changed")
        super().save(*args, **kwargs)
        self._stored_state = self.state

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("disclosures cannot be deleted")

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Disclosure:
        obj = super().from_db(db, field_names, values)
        obj._stored_state = getattr(obj, "state", None) if "state" in field_names else None
        return obj

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def income_total(self) -> Any:
        return sum((line.amount for line in self.lines.all() if line.kind == FinanceLine.Kind.INCOME), start=0)

    def expense_total(self) -> Any:
        return sum((line.amount for line in self.lines.all() if line.kind == FinanceLine.Kind.EXPENSE), start=0)


class FrozenChildQuerySet(models.QuerySet):
    """Lines and attachments change only with their draft; the service replaces them before publication."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("change a draft through its service")

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(disclosure__state=Disclosure.State.PUBLISHED).exists():
            raise AppendOnlyError("published disclosures cannot be changed")
        return super().delete()


class FinanceLine(models.Model):
    class Kind(models.TextChoices):
        INCOME = "income", _("income")
        EXPENSE = "expense", _("expense")

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("income or expense"), max_length=7, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    objects = FrozenChildQuerySet.as_manager()

    class Meta:
        ordering = ["disclosure_id", "position", "id"]
        verbose_name = _("finance line")
        verbose_name_plural = _("finance lines")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="disclosure_line_amount")]

    def __str__(self) -> str:
        return f"{self.subject} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("finance lines are replaced, not edited")
        super().save(*args, **kwargs)


class Attachment(models.Model):
    """A PDF or image of a disclosure, stored by a random name under UPLOAD_DIR/disclosure/ and served
    only through `disclosure:attachment` / the public attachment view."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrozenChildQuerySet.as_manager()

    class Meta:
        ordering = ["disclosure_id", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("attachments are replaced, not edited")
        super().save(*args, **kwargs)


class AppendOnlyQuerySet(ScopedQuerySet):
    scope_capability = "view_disclosure"

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the ledger cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the ledger cannot be changed")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the ledger cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the ledger cannot be changed")


class LedgerEntry(AppendOnlyModel):
    """Entry `seq` (1, 2, …) of a village's chain: `content_hash` = H(canonical content of the published
    disclosure), `entry_hash` = H(prev_hash + content_hash), `prev_hash` the entry before's (64 zeros first)."""

    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    seq = models.PositiveIntegerField(_("entry"))
    disclosure = models.OneToOneField(Disclosure, on_delete=models.PROTECT, related_name="ledger_entry")
    algorithm = models.CharField(max_length=10, default="sha256")
    content_hash = models.CharField(_("content hash"), max_length=64)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.UniqueConstraint(fields=["region", "seq"], name="disclosure_ledger_seq")]

    def __str__(self) -> str:
        return f"{self.region_id} #{self.seq}"


class LedgerHead(AppendOnlyModel):
    """The head of a village's chain as published on a day: anyone holding it can later check that the
    chain up to `entries` still ends in `head_hash`."""

    region = models.ForeignKey(Region, verbose_name=_("village or community"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    date = models.DateField(_("date"))
    entries = models.PositiveIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-date"]
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger heads")
        constraints = [models.UniqueConstraint(fields=["region", "date"], name="disclosure_ledger_head_day")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.date} {self.head_hash[:12]}"
