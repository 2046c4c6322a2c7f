"""The office's assign form offers every required role of the work group — also a role the office added by hand
beyond the case's customisation needs (an added project, seed 000_9617a3b789ca4d20.txt 服務流程: chip design
①③④⑤⑥⑧) — with every approved partner registered for it, best-ranked first; never a partner not approved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cases.delivery import services
from cases.delivery.models import Assignment
from platform_site.tenancy import tenant_scope
from tests.delivery.factories import group, in_service_case
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_role_added_by_hand_offers_every_approved_partner_for_it(client: Any, world: Any) -> None:
    case = in_service_case(world, customisations=["software"])  # software design ②③⑦ only
    wg = group(case, lead=world.case_manager)
    chip_plain = partner(world.a, "甲晶片設計", roles=["chip"])
    chip_keyword = partner(world.a, "乙晶片設計", roles=["chip"], keywords=case.title)  # +3: its keyword matches
    pending = partner(world.a, "丙晶片設計", roles=["chip"], state="submitted")
    software = partner(world.a, "軟體夥伴", roles=["software"])
    with tenant_scope(world.a):
        services.add_project(wg, world.reviewer, "chip_design")  # adds ① chip (and ③ ④ ⑤ ⑥ ⑧) by hand
    url = reverse("delivery:assign", kwargs={"tenant_slug": "tsmp", "pk": wg.pk})
    client.force_login(world.reviewer)
    page = client.get(url, **EN).content.decode()
    chip = [f'value="chip:{p.pk}"' for p in (chip_keyword, chip_plain)]
    assert all(option in page for option in chip) and page.index(chip[0]) < page.index(chip[1])  # ranked first
    assert f'value="chip:{pending.pk}"' not in page  # not approved
    assert f'value="software:{software.pk}"' in page and f'value="chip:{software.pk}"' not in page
    response = client.post(
        url,
        {
            "choice": f"chip:{chip_plain.pk}",
            "scope": "晶片前端設計",
            "planned_start": "2027-01-04",
            "planned_end": "2027-06-30",
            "deliverables": "RTL 與驗證報告",
        },
        **EN,
    )
    assert response.status_code == 302
    with tenant_scope(world.a):
        row = Assignment.objects.get(work_group=wg)
    assert (row.role, row.partner_id, row.planned_end) == ("chip", chip_plain.pk, dt.date(2027, 6, 30))


def test_the_assign_page_queries_do_not_grow_with_partners(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    case = in_service_case(world, customisations=["software"])
    wg = group(case, lead=world.case_manager)
    url = reverse("delivery:assign", kwargs={"tenant_slug": "tsmp", "pk": wg.pk})
    client.force_login(world.reviewer)
    partner(world.a, "夥伴0", roles=["software", "system_integration"])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(1, 8):
        partner(world.a, f"夥伴{i}", roles=["software", "model_training"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
