"""Who is acting and from where, for the audit rows written deeper down. The web sets it per
request; commands set it to the command line."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    address: str = ""


_CLI = Actor(address="cli")
_current: ContextVar[Actor] = ContextVar("audit_actor", default=_CLI)  # noqa: B039 - Actor is frozen


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(user: Any, address: str) -> Iterator[None]:
    token = _current.set(Actor(user=user, address=address))
    try:
        yield
    finally:
        _current.reset(token)
