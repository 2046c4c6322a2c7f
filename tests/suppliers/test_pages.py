"""Supplier pages and API: registration → profile → submission, the office's review pages, the directory
(counts, pagination, query bounds at 1 and 30 partners), confidentiality of prices and background IP in HTML
and API, matchmaking and referral pages, refusals (409) and bad input (never 500)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from cases.enums import CaseState
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from suppliers.enums import OnboardingState as S
from suppliers.models import BackgroundIP, Referral, SupplierProfile
from tests.factories import complete_case, persona, set_fields
from tests.suppliers.factories import design, partner

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
API = "/api/v1/t/tsmp/suppliers/"


def url(name, **kwargs):
    return reverse(f"suppliers:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _extra():
    return 2 if connection.vendor == "postgresql" else 0


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_supplier_registers_fills_in_accepts_and_submits(client, world):
    data = {
        "org_name": "南方感測股份有限公司",
        "org_kind": "company",
        "ubn": "00501508",
        "size": "sme",
        "is_domestic": "on",
        "address": "高雄市",
        "phone": "07-1234567",
        "full_name": "黃小姐",
        "email": "Sensor@Example.tw",
        "password1": "Zq9!long-password-2026",
        "password2": "Zq9!long-password-2026",
        "consent": "on",
    }
    response = client.post(url("register"), data, **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get(response.url, **EN)
    assert response.status_code == 302
    detail = response.url
    with tenant_scope(world.a):
        profile = SupplierProfile.objects.get(organization__name="南方感測股份有限公司")
        assert profile.state == S.DRAFT and profile.contact_email == "sensor@example.tw"
    response = client.post(url("transition", pk=profile.pk, action="submit"), **EN)
    assert response.status_code == 409 and "Missing:" in response.content.decode()
    form = {
        "summary": "MEMS 感測器模組",
        "roles": ["module", "field_validation"],
        "domains": ["sensors"],
        "certifications": ["iso_9001"],
        "keywords": "感測、MEMS",
        "contact_name": "黃小姐",
        "contact_email": "sensor@example.tw",
        "lead_time_weeks": "6",
        "reference_prices": "模組每片 NT$1,200",
    }
    assert client.post(url("edit", pk=profile.pk), form, **EN).status_code == 302
    assert (
        client.post(
            url("add_ip", pk=profile.pk), {"title": "壓阻式感測專利", "kind": "patent", "owner": "南方感測"}
        ).status_code
        == 302
    )
    assert client.post(url("obligations", pk=profile.pk), {}, **EN).status_code == 400  # box not ticked
    assert client.post(url("obligations", pk=profile.pk), {"accept": "on"}).status_code == 302
    assert client.post(url("transition", pk=profile.pk, action="submit")).status_code == 302
    body = client.get(detail, **EN).content.decode()
    assert 'data-state="submitted"' in body and 'data-due="qualification"' in body and "Accepted by" in body
    assert client.post(url("edit", pk=profile.pk), form, **EN).status_code == 409  # under review


def test_the_office_reviews_and_the_cto_decides(client, world):
    profile = partner(world.a, "南臺光電", state=S.SUBMITTED)
    client.force_login(world.reviewer)
    assert f'data-profile="{profile.pk}"' in client.get(url("list") + "?state=submitted").content.decode()
    assert client.post(url("transition", pk=profile.pk, action="start_qualification")).status_code == 302
    assert client.post(url("transition", pk=profile.pk, action="qualify")).status_code == 302
    assert client.post(url("transition", pk=profile.pk, action="no_such")).status_code == 404
    client.force_login(world.cto)
    # the 複審 is decided in its review meeting (tests/suppliers/test_final_review_meeting.py), not by a button
    for action in ("approve", "reject_final"):
        response = client.post(url("transition", pk=profile.pk, action=action), {"reason": "x"}, **EN)
        assert response.status_code == 409 and "decided in its review meeting" in response.content.decode()
    with tenant_scope(world.a):
        assert SupplierProfile.objects.get(pk=profile.pk).state == S.FINAL_REVIEW


def test_api_transitions_and_409_body(world):
    profile = partner(world.a, "南臺光電", state=S.QUALIFICATION)
    response = api(world.reviewer).post(
        f"{API}profiles/{profile.pk}/transitions/reject/", {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert response.data == {"detail": "Give a reason.", "code": "reason_required"}
    response = api(world.reviewer).post(f"{API}profiles/{profile.pk}/transitions/qualify/", {})
    assert (
        response.status_code == 200 and response.data["state"] == "final_review" and response.data["final_review_due"]
    )
    assert api(world.supplier).post(f"{API}profiles/{profile.pk}/transitions/approve/", {}).status_code == 404


@pytest.fixture
def secret_partner(world):
    profile = partner(world.a, "機密封裝公司", reference_prices="每案 NT$3,500,000 起")
    with tenant_scope(world.a):
        BackgroundIP.objects.create(
            tenant=world.a, profile=profile, title="扇出型封裝製程專利", kind="patent", owner="機密封裝公司"
        )
    design(profile, title="扇出型封裝參考設計", indicative_price_ntd=1234567)
    return profile


def test_prices_and_background_ip_are_for_office_staff_and_the_partner_itself(client, world, secret_partner):
    other = partner(world.a, "他家供應商")
    detail = url("detail", pk=secret_partner.pk)
    for user in (world.reviewer, world.cto, world.admin, secret_partner.member):
        client.force_login(user)
        body = client.get(detail).content.decode()
        assert "NT$3,500,000" in body and "扇出型封裝製程專利" in body, user
        data = api(user).get(f"{API}profiles/{secret_partner.pk}/").data
        assert data["reference_prices"] and data["background_ip"][0]["title"] == "扇出型封裝製程專利"
    # another supplier: the profile itself is 404 (HTML and API); the approved design is listed without price.
    client.force_login(other.member)
    assert client.get(detail).status_code == 404
    assert api(other.member).get(f"{API}profiles/{secret_partner.pk}/").status_code == 404
    designs = api(other.member).get(f"{API}designs/").data["results"]
    assert [d["title"] for d in designs] == ["扇出型封裝參考設計"] and "indicative_price_ntd" not in designs[0]
    with tenant_scope(world.a):
        item = secret_partner.designs.get()
    body = client.get(url("design", pk=item.pk)).content.decode()
    assert "扇出型封裝參考設計" in body and "1234567" not in body
    # an applicant: catalogue without prices; no profile, no directory.
    client.force_login(world.applicant)
    assert "1234567" not in client.get(url("design", pk=item.pk)).content.decode()
    assert "indicative_price_ntd" not in api(world.applicant).get(f"{API}designs/{item.pk}/").data
    assert client.get(detail).status_code == 404 and client.get(url("directory")).status_code == 404
    assert api(world.applicant).get(f"{API}directory/").status_code == 404
    assert api(world.applicant).get(f"{API}profiles/").data["results"] == []
    # the office sees the price
    assert api(world.reviewer).get(f"{API}designs/{item.pk}/").data["indicative_price_ntd"] == 1234567


def test_a_partner_lists_only_its_own_profile_and_referrals(world, secret_partner):
    other = partner(world.a, "他家供應商", roles=["software"])
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        Referral.objects.create(tenant=world.a, case=case, profile=other, role="software", referred_by=world.reviewer)
    assert [p["id"] for p in api(secret_partner.member).get(f"{API}profiles/").data["results"]] == [secret_partner.pk]
    assert api(secret_partner.member).get(f"{API}referrals/").data["results"] == []
    assert len(api(other.member).get(f"{API}referrals/").data["results"]) == 1
    assert len(api(world.reviewer).get(f"{API}profiles/").data["results"]) == 2


@pytest.mark.parametrize("rows", [1, 30])
def test_directory_queries_do_not_grow_with_partners(client, world, django_assert_max_num_queries, rows):
    for i in range(rows):
        partner(world.a, f"光學夥伴{i:02d}", keywords="光學、鏡頭", roles=["module"], certifications=["iso_9001"])
    client.force_login(world.reviewer)
    # session, user, tenant, memberships, count (capped), rows (+ org join); ranked: match query + page rows.
    for query in ("", "?q=光學", "?q=光學&role=module&certification=iso_9001", "?q=光學&page=2", "?role=module&page=2"):
        with django_assert_max_num_queries(6 + _extra()):
            response = client.get(url("directory") + query, **EN)
        assert response.status_code == 200
    body = client.get(url("directory") + "?q=光學", **EN).content.decode()
    assert (f"{rows} partner found" if rows == 1 else f"{rows} partners found") in body
    assert body.count("data-profile=") == min(rows, 20)
    if rows == 30:
        page2 = client.get(url("directory") + "?q=光學&page=2", **EN).content.decode()
        assert page2.count("data-profile=") == 10 and "Page 2 of 2" in page2
    for query in ("", "?q=光學"):
        with django_assert_max_num_queries(6 + _extra()):
            data = api(world.reviewer).get(f"{API}directory/{query}").data
        assert data["count"] == rows and len(data["results"]) == min(rows, 20)


def test_bad_directory_input_is_ignored_never_a_500(client, world):
    partner(world.a, "光學夥伴")
    client.force_login(world.reviewer)
    for query in ("?role=nope", "?domain=%7C", "?q=" + "光" * 500, "?page=abc", "?certification=x&page=999"):
        assert client.get(url("directory") + query).status_code == 200, query
    assert api(world.reviewer).get(f"{API}directory/?role=nope&q=" + "光" * 300).status_code == 200
    assert client.get(url("detail", pk=999999)).status_code == 404


def test_matchmaking_page_refer_and_the_partner_accepts(client, world):
    best = partner(world.a, "甲智能軟體", roles=["software"], keywords="瑕疵檢測")
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.REFERRED, customisations=["software"])
    client.force_login(world.reviewer)
    body = client.get(url("case", case_pk=case.pk), **EN).content.decode()
    assert 'data-role="software"' in body and f'data-candidate="{best.pk}"' in body and "Keywords in the case" in body
    data = {"profile": best.pk, "role": "software", "rank": 1, "note": "請評估"}
    assert client.post(url("refer", case_pk=case.pk), data).status_code == 302
    assert client.post(url("refer", case_pk=case.pk), data, **EN).status_code == 409  # duplicate
    assert client.post(url("refer", case_pk=case.pk), {"profile": "x"}).status_code == 400
    with tenant_scope(world.a):
        referral = Referral.objects.get()
        assert referral.reasons and referral.rank == 1
    client.force_login(best.member)
    home = client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert 'data-panel="supplier-partner"' in home and case.title in home
    assert (
        client.post(url("referral_answer", pk=referral.pk), {"decision": "decline", "reason": ""}, **EN).status_code
        == 409
    )
    assert client.post(url("referral_answer", pk=referral.pk), {"decision": "accept"}).status_code == 302
    # the applicant sees the outcome on its case page (not the ranking)
    client.force_login(world.reviewer)
    assert "1 accepted, 0 declined, 0 waiting" in client.get(url("detail", pk=best.pk), **EN).content.decode()
    client.force_login(world.applicant)
    body = client.get(url("case", case_pk=case.pk)).content.decode()
    assert 'data-state="accepted"' in body and 'id="ranking"' not in body
    client.force_login(world.other_applicant)
    assert client.get(url("case", case_pk=case.pk)).status_code == 404
    assert client.post(url("refer", case_pk=case.pk), data).status_code == 404


def test_api_referral_create_answer_and_matchmaking(world):
    best = partner(world.a, "甲智能軟體", roles=["software"])
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.REFERRED, customisations=["software"])
    ranking = api(world.reviewer).get(f"{API}matchmaking/{case.pk}/").data
    assert [r["role"] for r in ranking] == ["model_training", "software", "system_integration"]
    assert ranking[1]["candidates"][0]["profile"] == best.pk
    assert api(world.applicant).get(f"{API}matchmaking/{case.pk}/").status_code == 403
    response = api(world.reviewer).post(f"{API}referrals/", {"case": case.pk, "profile": best.pk, "role": "software"})
    assert response.status_code == 201
    rid = response.data["id"]
    assert (
        api(world.reviewer).post(f"{API}referrals/", {"case": case.pk, "profile": best.pk, "role": "chip"}).status_code
        == 409
    )
    assert api(best.member).post(f"{API}referrals/{rid}/answer/", {"decision": "maybe"}).status_code == 400
    response = api(best.member).post(f"{API}referrals/{rid}/answer/", {"decision": "decline", "reason": "產能已滿"})
    assert response.status_code == 200 and response.data["state"] == "declined"


def test_the_openapi_schema_lists_the_supplier_endpoints(client, world):
    client.force_login(world.reviewer)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("suppliers/profiles/", "suppliers/directory/", "suppliers/designs/", "suppliers/referrals/"):
        assert path in text, path


def test_a_supplier_without_a_profile_gets_a_draft_and_others_get_404(client, world):
    client.force_login(world.supplier)
    response = client.get(url("mine"))
    assert response.status_code == 302
    client.force_login(world.reviewer)
    assert client.get(url("mine")).status_code == 404
    second = persona(world.a, Role.SUPPLIER, None)
    client.force_login(second)
    assert client.get(url("mine")).status_code == 404


@pytest.mark.parametrize("n", [1, 30])
def test_the_supplier_and_applicant_home_panels_are_bounded(client, world, django_assert_max_num_queries, n):
    me = partner(world.a, "甲智能軟體", roles=["software"])
    design_ = design(me)
    for i in range(n):
        case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title=f"轉介案{i}")
        with tenant_scope(world.a):
            Referral.objects.create(tenant=world.a, case=case, profile=me, role="software", referred_by=world.reviewer)
    set_fields(case, state=CaseState.REFERENCE_DESIGN)
    with tenant_scope(world.a):
        case.refresh_from_db()
        from suppliers import services

        services.give_reference_design(case, world.reviewer, design_)
    client.force_login(me.member)
    home = reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})
    with django_assert_max_num_queries(9 + _extra()):  # + delivery's "has assignments?" (menu and home panel)
        body = client.get(home, **EN).content.decode()
    assert 'data-panel="supplier-partner"' in body and body.count("轉介案") == min(n, 10)
    client.force_login(world.applicant)
    with django_assert_max_num_queries(14 + _extra()):
        body = client.get(home, **EN).content.decode()
    assert 'data-panel="case-partners"' in body and design_.title in body
    client.force_login(world.other_applicant)
    assert 'data-panel="case-partners"' not in client.get(home).content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_the_office_home_lists_suppliers_in_review_only_while_some_wait(
    client, world, django_assert_max_num_queries, n
):
    home = reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})
    partner(world.a, "已核准夥伴")
    client.force_login(world.cto)
    assert 'data-panel="supplier-reviews"' not in client.get(home).content.decode()
    for i in range(n):
        partner(world.a, f"待審供應商{i:02d}", state=(S.SUBMITTED, S.QUALIFICATION, S.FINAL_REVIEW)[i % 3])
    for user in (world.cto, world.reviewer):
        client.force_login(user)
        with django_assert_max_num_queries(12 + _extra()):
            body = client.get(home, **EN).content.decode()
        assert 'data-panel="supplier-reviews"' in body and body.count("待審供應商") == min(n, 10)
    client.force_login(world.applicant)
    assert 'data-panel="supplier-reviews"' not in client.get(home).content.decode()


def test_api_profile_edit_validates_and_refuses_once_submitted(world):
    profile = partner(world.a, "南臺光電", state=S.DRAFT)
    client = api(profile.member)
    assert client.patch(f"{API}profiles/{profile.pk}/", {"roles": ["nope"]}, format="json").status_code == 400
    response = client.patch(f"{API}profiles/{profile.pk}/", {"roles": ["chip"], "keywords": "晶片"}, format="json")
    assert response.status_code == 200 and response.data["roles"] == ["chip"]
    assert client.post(f"{API}profiles/{profile.pk}/transitions/submit/", {}).status_code == 200
    response = client.patch(f"{API}profiles/{profile.pk}/", {"keywords": "改"}, format="json")
    assert response.status_code == 409 and response.data["code"] == "not_editable"
    assert (
        api(world.reviewer).patch(f"{API}profiles/{profile.pk}/", {"keywords": "改"}, format="json").status_code == 403
    )


def test_design_pages_publish_approve_give_and_the_applicant_sees_it(client, world):
    me = partner(world.a, "雲港應用軟體")
    client.force_login(me.member)
    form = {
        "title": "門市貨架缺貨偵測",
        "description": "影像偵測缺貨。",
        "roles": ["software"],
        "industries": ["service"],
    }
    assert client.post(url("design_create"), {**form, "indicative_price_ntd": "-1"}).status_code == 200  # form error
    response = client.post(url("design_create"), {**form, "indicative_price_ntd": "420000"})
    assert response.status_code == 302
    pk = int(response.url.rstrip("/").split("/")[-1])
    assert client.post(url("design_transition", pk=pk, action="publish")).status_code == 302
    assert client.post(url("design_transition", pk=pk, action="approve")).status_code == 403
    client.force_login(world.reviewer)
    assert client.post(url("design_transition", pk=pk, action="approve"), {"reason": "可"}).status_code == 302
    assert client.post(url("design_transition", pk=pk, action="approve"), **EN).status_code == 409
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.REFERENCE_DESIGN, customisations=["none"])
    assert client.post(url("give_design", case_pk=case.pk), {"design": "x"}).status_code == 400
    assert client.post(url("give_design", case_pk=case.pk), {"design": pk, "note": "先試行兩週"}).status_code == 302
    client.force_login(world.applicant)
    body = client.get(url("case", case_pk=case.pk)).content.decode()
    assert "門市貨架缺貨偵測" in body and "先試行兩週" in body and "420000" not in body
    assert 'id="give-design"' not in body
    assert "門市貨架缺貨偵測" in client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    data = api(world.applicant).get(f"{API}case-services/{case.pk}/").data
    assert (
        data["reference_design"]["title"] == "門市貨架缺貨偵測"
        and "indicative_price_ntd" not in data["reference_design"]
    )
    assert data["reference_design"]["note"] == "先試行兩週" and data["referrals"] == []
    assert api(world.other_applicant).get(f"{API}case-services/{case.pk}/").status_code == 404
