"""What every process's services share: who may act where, the one place a process's states may change,
and the row lock that serialises changes. Each process keeps its own TRANSITIONS and words."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from lingtouyang.core.scope import in_prefix, user_prefix

M = TypeVar("M", bound=models.Model)


def require_in_scope(acting_user: Any, capability: str, region_code: str, message: Any = None) -> None:
    """The command line (acting_user None) acts everywhere; anyone else needs the capability there."""
    if acting_user is None:
        return
    prefix = user_prefix(acting_user, capability)
    if prefix is None or not in_prefix(region_code, prefix):
        raise ValidationError(message or _("this is outside your jurisdiction"))


class StateMachine:
    """A process's allowed moves, (from, to) pairs, and nothing else. `refusal` names the object and takes
    %(state)s and %(to)s, the states' labels."""

    def __init__(self, transitions: set[tuple[str, str]], refusal: Any, field: str = "state") -> None:
        self.transitions, self.refusal, self.field = frozenset(transitions), refusal, field

    def check(self, obj: models.Model, to: str) -> str:
        """The state before, when `obj` may move to `to`; a clear refusal otherwise."""
        before = getattr(obj, self.field)
        if (before, to) not in self.transitions:
            labels = dict(obj._meta.get_field(self.field).flatchoices)
            raise ValidationError(self.refusal % {"state": labels.get(before, before), "to": labels.get(to, to)})
        return before


def lock_state(obj: M, field: str = "state") -> M:
    """`obj`'s state re-read under a row lock, so two requests cannot both move it or change it."""
    fresh = type(obj)._default_manager.select_for_update().only(field).get(pk=obj.pk)
    setattr(obj, field, getattr(fresh, field))
    return obj
