from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from lingtouyang.audit.models import AuditEvent
from lingtouyang.disclosure import services
from lingtouyang.disclosure.models import Disclosure, LedgerEntry
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.disclosure.conftest import draft, item, publish

pytestmark = pytest.mark.django_db
State = Disclosure.State


def test_full_workflow_with_returns(users, django_capture_on_commit_callbacks):
    d = draft(users["village"])
    services.disclosure_submit(acting_user=users["village"], disclosure=d)
    services.disclosure_return(acting_user=users["supervisor"], disclosure=d, reason="缺少附件")
    assert d.state == State.DRAFT and d.return_reason == "缺少附件"
    services.disclosure_update(acting_user=users["village"], disclosure=d, body="补充后的内容")
    services.disclosure_submit(acting_user=users["village"], disclosure=d)
    services.disclosure_review(acting_user=users["supervisor"], disclosure=d)
    services.disclosure_return(acting_user=users["township"], disclosure=d, reason="表述不清")
    services.disclosure_submit(acting_user=users["village"], disclosure=d)
    services.disclosure_review(acting_user=users["supervisor"], disclosure=d)
    services.disclosure_approve(acting_user=users["township"], disclosure=d)
    with mock.patch("lingtouyang.portal.render.render_village") as render, \
            django_capture_on_commit_callbacks(execute=True):
        services.disclosure_publish(acting_user=users["village"], disclosure=d)
    render.assert_called_once_with(f.TANBA)
    d.refresh_from_db()
    assert d.state == State.PUBLISHED and d.published_at and LedgerEntry.objects.filter(disclosure=d).exists()
    actions = list(AuditEvent.objects.filter(object_id=str(d.pk)).values_list("action", flat=True))
    assert "disclosure.publish" in actions and actions.count("disclosure.return") == 2


def test_wrong_roles_and_wrong_steps_are_refused(users):
    d = draft(users["village"])
    with pytest.raises(ValidationError):
        services.disclosure_review(acting_user=users["supervisor"], disclosure=d)  # not submitted
    services.disclosure_submit(acting_user=users["village"], disclosure=d)
    with pytest.raises(ValidationError):
        services.disclosure_review(acting_user=users["village"], disclosure=d)  # cadre cannot review
    with pytest.raises(ValidationError):
        services.disclosure_approve(acting_user=users["township"], disclosure=d)  # not reviewed yet
    with pytest.raises(ValidationError):
        services.disclosure_update(acting_user=users["village"], disclosure=d, body="x")  # not a draft
    with pytest.raises(ValidationError):
        services.disclosure_return(acting_user=users["supervisor"], disclosure=d, reason=" ")
    other = f.make_user("other-sup", "supervisor", f.OTHER_YUSI_VILLAGE)
    with pytest.raises(ValidationError):
        services.disclosure_review(acting_user=other, disclosure=d)
    d.refresh_from_db()
    assert d.state == State.SUBMITTED


def test_other_village_and_duplicates_are_refused(users):
    with pytest.raises(ValidationError):
        draft(users["village"], village=f.OTHER_YUSI_VILLAGE)
    publish(users, draft(users["village"]))
    with pytest.raises(ValidationError, match="correct|更正"):
        draft(users["village"], start=date(2026, 2, 15))  # same quarter
    with pytest.raises(ValidationError):
        draft(users["village"], start=date(2099, 1, 1))


def test_tables_mask_ids_and_drop_phones(users):
    tables = [{"title": "低保对象", "columns": [{"label": "姓名", "kind": "name"},
                                                {"label": "身份证号", "kind": "id_number"},
                                                {"label": "电话", "kind": "phone"},
                                                {"label": "金额", "kind": "money"}],
               "rows": [["张三", "51050219850301123X", "13800000000", "420.00"]]}]
    d = draft(users["village"], "S01", tables=tables)
    assert d.tables[0]["rows"] == [["张三", "510502********123X", "420.00"]]
    assert [c["kind"] for c in d.tables[0]["columns"]] == ["name", "id_number", "money"]
    assert "13800000000" not in str(Disclosure.objects.get(pk=d.pk).tables)
    with pytest.raises(ValidationError):
        draft(users["village"], "S02", tables=[{"columns": [{"label": "x", "kind": "bogus"}], "rows": []}])


def test_non_finance_item_takes_no_lines(users):
    with pytest.raises(ValidationError):
        draft(users["village"], "V01", lines=[{"kind": "income", "subject": "x", "amount": "1"}])
    assert not Disclosure.objects.exists()


def test_catalogue_versions_and_county_items(users):
    county = users["county"]
    own = services.catalogue_item_add(acting_user=county, code="LX01", category="service", title="泸县特色事项",
                                      frequency="quarterly", effective_from=date(2025, 1, 1))
    assert own.region_code == "510521000000"
    with pytest.raises(ValidationError):
        services.catalogue_item_add(acting_user=county, code="V01", category="service", title="重复",
                                    frequency="quarterly", effective_from=date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.catalogue_item_add(acting_user=users["township"], code="T1", category="service", title="t",
                                    frequency="yearly", effective_from=date(2025, 1, 1))
    # Applies below the county only.
    services.disclosure_create(acting_user=None, village=Region.objects.get(code=f.TANBA), item=own,
                               period_start=date(2026, 1, 1), title="特色")
    gulin = f.make_user("gulin-cadre", "village_cadre", f.GULIN_VILLAGE)
    with pytest.raises(ValidationError):
        services.disclosure_create(acting_user=gulin, village=Region.objects.get(code=f.GULIN_VILLAGE), item=own,
                                   period_start=date(2026, 1, 1), title="x")
    with pytest.raises(ValidationError):  # in the past
        services.catalogue_item_revise(acting_user=users["city"], item=item("V01"), effective_from=date(2020, 6, 1),
                                       note="x", title="新")
    with pytest.raises(ValidationError):  # not the owner
        services.catalogue_item_revise(acting_user=county, item=item("V01"), effective_from=date(2099, 1, 1),
                                       note="x", title="新")
    v2 = services.catalogue_item_revise(acting_user=users["city"], item=item("V01"), effective_from=date(2099, 1, 1),
                                        note="指导目录修订", title="新标题", frequency="half_yearly")
    assert v2.version == 2 and item("V01").title != "新标题"
