"""Fuzzing the API from its own OpenAPI schema (/api/v1/schema/) with schemathesis, as an anonymous caller,
as a caller with a malformed token, and as each role.

Every operation of the schema is called with data generated from the schema (valid and invalid), against a
world with objects inside and outside each role's jurisdiction, and every response must:
- not be a server error;
- conform to the schema: a documented status code, a documented content type, a body matching the schema;
- for a role, show no region code outside its jurisdiction in a 2xx body (the region's own ancestors are
  allowed: a village's record names its township);
- for anonymous and malformed-token callers, be 401 or 403 everywhere but the public operations.

Path ids are drawn from generated values and from the real ids of objects in and out of scope, so the
scope rule is exercised on objects that exist. Each example runs inside a savepoint that is rolled back, so
every example sees the same world whatever the fuzzer wrote before it.

Generation is derandomized so CI runs the same cases every time. For a deeper local run, raise the number of
examples per operation with an environment variable, e.g.

    FUZZ_EXAMPLES=500 .venv/bin/pytest tests/security/test_api_fuzz.py

(FUZZ_SEED=<n> together with it draws other random cases instead of the fixed ones.)"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.reserves.models import Reserve
from tests import factories as f
from tests import test_permission_matrix as matrix

ANON, INTRUDER = "anonymous", "malformed-token"
ROLES = list(f.ROLE_USERS)  # city, county, township, village, supervisor, reviewer
WHO = [ANON, INTRUDER, *ROLES]
# Roles whose writes reach the services on most routes; the others' are mostly refused at the capability
# check, so fewer examples of their writes suffice.
WRITERS = {"city", "county", "township"}

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
SEED = os.environ.get("FUZZ_SEED")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
PUBLIC = ("/api/v1/public/", "/api/v1/auth/token/", "/api/v1/schema/")
# Malformed credentials: none may pass for a signed-in account, none may break the server.
BAD_AUTHORIZATION = [
    "Token", "Token ", "Token a b", "Token " + "0" * 40, "Token ' OR '1'='1", "Token <script>alert(1)</script>",
    "Token %00", "Bearer " + "0" * 40, "Basic Y2l0eTpjb3JyZWN0LWhvcnNlLWJhdHRlcnk=", "token " + "f" * 400,
]
# Put in place of every generated text value of a body or query in some examples: whatever a text field
# reaches (a filter, a LIKE, a template, a file name), these must be refused or stored as plain text.
PAYLOADS = [
    "' OR '1'='1' --", "1; DROP TABLE people_person; --", "%' AND 1=1 AND '%'='", "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>", "{{7*7}}${7*7}", "../../../../etc/passwd", "a\x00b", "\u202egnp.exe",
    "9" * 40,
]
CODE = re.compile(r"(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])")  # a region code, not part of a hash


def _examples(who: str, method: str) -> int:
    if EXAMPLES:
        return EXAMPLES
    if who in (ANON, INTRUDER):
        return 2
    return 8 if method == "GET" or who in WRITERS else 3


@dataclass
class Fuzz:
    schema: Any
    users: dict[str, Any]
    headers: dict[str, dict[str, str]]
    ids: dict[str, list[Any]]  # a route's basename: real ids inside and outside each role's jurisdiction
    allowed: dict[str, tuple[str, set[str]]]  # a role: its prefix, and its region's ancestors
    calls: int = 0


@contextmanager
def _connections_kept() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; the test's transaction must
    survive, so the signal is unhooked for the run, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _ancestors(code: str) -> set[str]:
    found, region = set(), Region.objects.get(code=code)
    while region is not None:
        found.add(region.code)
        region = region.parent
    return found


@pytest.fixture(scope="module")
def fuzz(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Fuzz]:
    """The world of the permission matrix (a person and their post in every village; review rounds,
    reserves, campaigns, elections, sessions and the rest, inside and outside every role's jurisdiction),
    made once for the module in a transaction rolled back at its end."""
    from django.core.wsgi import get_wsgi_application

    tmp = tmp_path_factory.mktemp("fuzz")
    with (django_db_blocker.unblock(), transaction.atomic(),
          override_settings(UPLOAD_DIR=tmp, MEDIA_ROOT=tmp / "media", IMPORT_RUNNER="inline")):
        users = {name: f.make_user(name, role, code) for name, (role, code) in f.ROLE_USERS.items()}
        f.make_outside_luzhou()
        people, appointments = {}, {}
        for code, name in matrix.PEOPLE.items():
            people[code] = f.make_person(code, name=name, born=date(1980, 5, 17))
            appointments[code] = f.make_appointment(people[code])
        world = matrix.World(users=users, people=people, appointments=appointments, tmp=tmp)
        ids: dict[str, list[Any]] = {}
        route = SimpleNamespace(label="api", initkwargs={})  # what the providers read of a route
        for basename, provider in matrix.API_PK.items():
            for who in ROLES:
                values = provider(world, who, route)
                for value in [values.inside, *(v for v, _ in values.outside)]:
                    if value not in ids.setdefault(basename, []):
                        ids[basename].append(value)
        ids["region"] = sorted({u.region_id for u in users.values()} | set(matrix.PEOPLE) | set(matrix.ABOVE.values()))
        headers = {who: {"Authorization": f"Token {Token.objects.create(user=users[who]).key}"} for who in ROLES}
        allowed = {who: (matrix.PREFIX[who], _ancestors(users[who].region_id)) for who in ROLES}
        with _connections_kept():
            schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
            yield Fuzz(schema=schema, users=users, headers=headers, ids=ids, allowed=allowed)
        transaction.set_rollback(True)


def _basename(path: str) -> str | None:
    match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    return getattr(match.func, "initkwargs", {}).get("basename")


def _strategy(fz: Fuzz, operation: Any) -> Any:
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    fixed: list[dict[str, Any]] = [{}]
    if "{id}" in operation.path:
        fixed += [{"id": i} for i in fz.ids.get(_basename(operation.path) or "", [])]
    elif "{code}" in operation.path:
        fixed += [{"code": c} for c in fz.ids["region"]]
    return st.one_of([operation.as_strategy(generation_mode=mode, path_parameters=params or None)
                      for mode in modes for params in fixed])


def _scope_failure(fz: Fuzz, who: str, case: Any, response: Any) -> str | None:
    """A 2xx body must name no region outside the caller's jurisdiction (bar its own ancestors, and codes
    the caller sent, which are echoes rather than leaks)."""
    path = case.operation.path
    if who in (ANON, INTRUDER):
        if not path.startswith(PUBLIC) and response.status_code not in (401, 403):
            return f"{response.status_code} for an unauthenticated caller"
        return None
    if not 200 <= response.status_code < 300 or path.startswith(PUBLIC):
        return None
    prefix, ancestors = fz.allowed[who]
    sent = set(CODE.findall(repr((case.path_parameters, case.query, case.body))))
    leaked = {c for c in CODE.findall(response.text)} - ancestors - sent
    leaked = {c for c in leaked if not c.startswith(prefix)}
    return f"out-of-scope region codes in the body: {sorted(leaked)}" if leaked else None


def _run(fz: Fuzz, who: str, operation: Any) -> None:
    headers = fz.headers.get(who, {})
    hypothesis_settings = settings(
        max_examples=_examples(who, operation.method.upper()), deadline=None, database=None,
        derandomize=SEED is None, phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck), print_blob=False)

    @hypothesis_settings
    @given(case=_strategy(fz, operation), bad=st.sampled_from(BAD_AUTHORIZATION),
           payload=st.sampled_from([None, None, *PAYLOADS]))
    def one(case: Any, bad: str, payload: str | None) -> None:
        for name in [h for h in (case.headers or {}) if h.lower() in ("authorization", "cookie")]:
            del case.headers[name]
        if payload is not None:
            for values in (case.body, case.query):
                if isinstance(values, dict):
                    values.update({k: payload for k, v in values.items() if isinstance(v, str)})
        sent = {"Authorization": bad} if who == INTRUDER else headers
        fz.calls += 1
        with transaction.atomic():
            response = case.call(headers=sent)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=sent)
        problem = _scope_failure(fz, who, case, response)
        assert problem is None, f"{problem}\n{case.as_curl_command(headers=sent)}\n{response.text[:500]}"

    if SEED is not None:
        one = seed(int(SEED))(one)
    one()


@pytest.mark.parametrize("who", WHO)
def test_every_operation_holds_up_to_fuzzing(fuzz: Fuzz, who: str, db: Any) -> None:
    failures, operations, calls = [], 0, fuzz.calls
    with _connections_kept():
        for result in fuzz.schema.get_all_operations():
            operation = result.ok()
            operations += 1
            try:
                _run(fuzz, who, operation)
            # Every operation is tried and all faults are reported together; schemathesis raises its
            # findings as an exception group.
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
                failures.append(f"--- {operation.method.upper()} {operation.path} as {who}:\n{str(exc)[:3000]}")
    print(f"{who}: {operations} operations, {fuzz.calls - calls} requests")  # the tally for the record
    assert not failures, f"{len(failures)} operations failed:\n" + "\n".join(failures)


# --- the faults the fuzzing found, each pinned by a plain example ----------------------------------


def _get(client: Any, url: str) -> Any:
    return client.get(url, HTTP_ACCEPT="application/json")


# The module's world holds the accounts (one per role, as the `users` fixture makes them), so these use it.
def test_a_malformed_filter_is_refused_not_ignored(fuzz: Fuzz, db: Any, client: Any) -> None:
    client.force_login(fuzz.users["county"])
    for url, name in [("/api/v1/training-sessions/?year=56666", "year"),  # was a 500: no such date
                      ("/api/v1/appointment-requests/?state=nonsense", "state"),  # was the unfiltered list
                      ("/api/v1/regions/?level=one", "level"),
                      ("/api/v1/people/?q=a%00b", "q"),  # PostgreSQL refuses NUL in a query
                      ("/api/v1/training-enrolments/?session=1&session=2", "session")]:
        response = _get(client, url)
        assert response.status_code == 400, url
        assert list(response.json()) == [name], url


def test_an_unknown_address_is_a_json_404_after_the_credentials_check(fuzz: Fuzz, db: Any, client: Any) -> None:
    for url in ("/api/v1/regions/abc/", "/api/v1/people/1/no/such/", "/api/v1/no-such-thing/"):
        assert _get(client, url).status_code == 403, url  # no account: refused like every private route
    # Anyone may ask under public/: an unknown address there is 404 to everyone.
    assert _get(client, "/api/v1/public/disclosures/abc/").status_code == 404
    client.force_login(fuzz.users["county"])
    for url in ("/api/v1/regions/abc/", "/api/v1/people/1/no/such/", "/api/v1/no-such-thing/"):
        response = _get(client, url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
        assert "detail" in response.json()


def test_a_value_the_database_cannot_hold_is_refused(fuzz: Fuzz, db: Any, client: Any) -> None:
    """NUL in a related object's text key was a 500 on PostgreSQL (the reserve's village, an appointment's)."""
    client.force_login(fuzz.users["county"])
    person = Person.objects.filter(region_id=f.TANBA).get()
    before = Reserve.objects.count()
    response = client.post("/api/v1/reserves/", {"person": person.pk, "region": "51052110\x00237",
                                                 "posts": ["party_secretary"]}, content_type="application/json")
    assert response.status_code == 400 and Reserve.objects.count() == before


def test_the_schema_documents_refusals(fuzz: Fuzz, db: Any, client: Any) -> None:
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    detail = paths["/api/v1/people/{id}/"]
    assert {"200", "400", "401", "403", "404"} <= set(detail["get"]["responses"])
    assert {"201", "400", "403", "404", "415"} <= set(paths["/api/v1/people/"]["post"]["responses"])
    # Filters are the list's: not documented (so not promised) on the object or on a write.
    assert not [p for p in detail["get"].get("parameters", []) if p["in"] == "query"]
    assert "401" not in paths["/api/v1/public/disclosures/"]["get"]["responses"]  # anyone may read it
