from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.scope import PREFIX_LENGTHS, ScopedQuerySet


class Level(models.IntegerChoices):
    PROVINCE = 1, _("province")
    CITY = 2, _("city")
    COUNTY = 3, _("county")
    TOWNSHIP = 4, _("township")
    VILLAGE = 5, _("village or community")


class Kind(models.TextChoices):
    """What sort of unit a region is; posts and rules depend on it (a 居委会 only in a community)."""

    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    COUNTY = "county", _("county")
    SUBDISTRICT = "subdistrict", _("sub-district")
    TOWN = "town", _("town")
    TOWNSHIP = "township", _("township")
    VILLAGE = "village", _("village")
    COMMUNITY = "community", _("community")


class RegionQuerySet(ScopedQuerySet):
    region_field = "code"
    scope_capability = "view_regions"

    def search(self, term: str) -> RegionQuerySet:
        """By code prefix, pinyin or its initials (红岩村: hongyancun, hyc), or the name's start —
        each an indexed prefix match."""
        term = term.strip()
        if not term:
            return self
        if term.isascii() and term.isdigit():
            return self.within(term[:12])
        if term.isascii():
            low = term.lower()
            return self.filter(Q(initials__startswith=low) | Q(pinyin__startswith=low))
        return self.filter(short_name__startswith=term)


class Region(models.Model):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("official name"), max_length=100)
    short_name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    pinyin = models.CharField(max_length=300, db_index=True, editable=False)
    initials = models.CharField(max_length=100, db_index=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [
            models.Index(fields=["parent", "code"], name="region_parent_code"),
            models.Index(fields=["short_name"], name="region_short_name", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTHS[self.level]]



    def ancestor_codes(self) -> list[str]:
        """Codes of the regions above, derived from the code itself (no queries)."""
        codes = []
        for level, length in PREFIX_LENGTHS.items():
            if level >= self.level:
                break
            codes.append(self.code[:length].ljust(12, "0"))
        return codes
