"""Every export states its scope and is audited. The routes are found by walking the URL resolver (any route
named or ending like an export), so an export added later is checked without touching this file; the data
each needs comes from the permission matrix's world and URL kwarg providers."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

import tests.test_permission_matrix as matrix
from lingtouyang.audit.models import AuditEvent
from tests import factories as f

world = matrix.world  # the matrix's fixture: one person per village, and what each route's kwargs need

# Routes that look like exports and are not: they carry no one's data.
NOT_EXPORTS = {
    "people:import_template": "the blank roster template",
}
WHO = "county"  # 泸县's admin: every capability an export needs, and a scope narrower than the city's
SCOPE = "510521"


def _is_export(route: matrix.Route) -> bool:
    return "export" in route.label or route.pattern.endswith((".xlsx", ".pdf", ".jsonl"))


EXPORTS = sorted((r for r in matrix.ALL_ROUTES if _is_export(r) and r.label not in NOT_EXPORTS),
                 key=lambda r: r.label)


def test_the_walk_finds_the_exports() -> None:
    labels = {r.label for r in EXPORTS}
    assert {"people:export", "audit:export", "pay:run_export", "review:candidate_pdf"} <= labels
    assert len(labels) >= 18


@pytest.mark.parametrize("route", EXPORTS, ids=lambda r: r.label)
def test_every_export_states_its_scope_and_is_audited(route: matrix.Route, world: matrix.World) -> None:
    kwargs = {k: matrix.KWARGS[k](world, WHO, route).inside for k in route.kwargs}
    if "enrolment_id" in kwargs:  # a certificate needs a completed enrolment, which the matrix's is not
        kwargs["enrolment_id"] = world.training_enrolment(f.TANBA).pk
    client = matrix._client(world, WHO)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(reverse(route.label, kwargs=kwargs))
    assert response.status_code == 200, route.label
    raw = b"".join(response.streaming_content) if response.streaming else response.content

    events = list(AuditEvent.objects.filter(id__gt=last, action__startswith="export."))
    assert len(events) == 1, f"{route.label}: {[e.action for e in events]}"
    event = events[0]
    assert event.actor == world.users[WHO] and event.outcome == "ok"
    assert event.region_code.startswith(SCOPE), f"{route.label}: audited as {event.region_code!r}"

    if "spreadsheetml" in response["Content-Type"]:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        assert len(book.worksheets) >= 2, f"{route.label}: no sheet about the export"
        note = "\n".join(str(c) for row in book.worksheets[-1].iter_rows(values_only=True) for c in row if c)
        assert SCOPE in note, f"{route.label}: the note does not name the scope: {note!r}"
    elif "json" in response["Content-Type"]:
        # One event per line: the scope travels in a header beside them.
        assert response["X-Export-Scope"].startswith(SCOPE), route.label
    else:
        # A PDF is one record's form: its scope is that record, named in the audit event.
        assert raw.startswith(b"%PDF-"), route.label
        assert event.object_id and event.object_type, route.label
