"""Demo glue: the demo cadre account `tanba` names 谭坝村's current party secretary as its roster entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.management.commands.demo import link_village_account
from tests import factories as f


def test_the_demo_cadre_is_linked_to_the_villages_secretary_once(db: Any) -> None:
    user = f.make_user("tanba", "village_cadre", f.TANBA)
    member = f.make_person(f.TANBA, name="村委员")
    f.make_appointment(member, post="party_member")
    former = f.make_person(f.TANBA, name="老书记")
    f.make_appointment(former, post="party_secretary", start=date(2016, 3, 1), end_date=date(2021, 2, 28),
                       end_reason="换届离任")
    secretary = f.make_person(f.TANBA, name="新书记")
    f.make_appointment(secretary, post="party_secretary", start=date(2021, 3, 1))
    assert link_village_account("tanba", f.TANBA) is True
    user.refresh_from_db()
    assert user.person == secretary
    assert AuditEvent.objects.filter(action="account.link_person", object_id=str(user.pk)).count() == 1
    assert link_village_account("tanba", f.TANBA) is False  # already linked: left as it is
    assert link_village_account("nobody", f.TANBA) is False
