"""The demo: threads in every state across Luzhou, 谭坝村's answered by its demo accounts; built once."""

import pytest
from django.utils import timezone

from lingtouyang.accounts.roles import Role
from lingtouyang.oversight.demo import demo_oversight
from lingtouyang.oversight.models import State, Thread
from tests import factories as f
from tests.oversight.conftest import published_disclosure

pytestmark = pytest.mark.django_db


def test_demo_every_state_and_idempotent(db) -> None:  # noqa: ANN001
    tanba = f.make_user("tanba", Role.VILLAGE_CADRE, f.TANBA)
    yusi = f.make_user("yusi", Role.TOWNSHIP_OFFICER, f.YUSI)
    published_disclosure(f.TANBA)
    line = demo_oversight("5105")
    assert line.startswith("oversight: ")
    today = timezone.localdate()
    threads = list(Thread.objects.all())
    assert {t.state for t in threads} == set(State.values)
    assert any(t.is_hidden for t in threads) and any(t.is_overdue(today) for t in threads)
    assert len({t.region_id[:6] for t in threads}) == 7  # every county of Luzhou
    ours = Thread.objects.filter(region_id=f.TANBA)
    assert ours.filter(disclosure__isnull=False).exists()
    authors = {a.author for t in ours for a in t.answers.all()}
    assert authors == {tanba, yusi}
    assert not Thread.objects.filter(state=State.OPEN, village_due__lt=today, hidden_at__isnull=True).exists()
    assert demo_oversight("5105") == "" and Thread.objects.count() == len(threads)
