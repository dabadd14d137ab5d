"""The portal keeps one table: the visitor counter's rows (the pages themselves are files, see render.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitorCounter(models.Model):
    """A named count (`home`: 网站访问人数). Incremented by one atomic statement (counter.py), never read-modify-
    written in Python, so concurrent visits are never lost. With REDIS_URL set, Redis holds the count instead."""

    name = models.CharField(max_length=20, primary_key=True)
    count = models.BigIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("visitor counter")
        verbose_name_plural = _("visitor counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"
