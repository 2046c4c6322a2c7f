"""Experts see only the cases they are invited to and declared no conflict on, in that tenant (ISSUE 8): the
case page, the cases API (list and detail) and document downloads; an undeclared, conflicted, declined or
withdrawn expert sees no case file; an expert of tenant A gets 404 in tenant B."""

import pytest
from django.urls import reverse

from cases.enums import CaseState
from platform_site.enums import Role
from platform_site.models import Membership
from platform_site.tenancy import tenant_scope
from review import services
from review.conflicts import DECLARATION_VERSION
from review.enums import InvitationState
from review.models import Expert
from tests.factories import reload, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    case = rf.case_in(world.a, applicant_org=world.org_a, created_by=world.applicant)
    other_case = rf.case_in(world.a, applicant_org=world.org_a2)
    mtg = rf.meeting(world.a, case, chair=world.cto)
    exp = rf.expert(world.a)
    with tenant_scope(world.a):
        inv = services.invite_expert(mtg, exp, world.cto)
        doc = case.documents.first()
    return {"case": case, "other": other_case, "meeting": mtg, "expert": exp, "inv": inv, "doc": doc}


def _urls(world, case, doc):
    slug = world.a.slug
    return {
        "html": reverse("cases:detail", kwargs={"tenant_slug": slug, "pk": case.pk}),
        "api": reverse("api-case-detail", kwargs={"tenant_slug": slug, "pk": case.pk}),
        "download": reverse("cases:document_download", kwargs={"tenant_slug": slug, "pk": case.pk, "doc_pk": doc.pk}),
    }


def _statuses(client, urls):
    statuses = {}
    for name, url in urls.items():
        response = client.get(url)
        statuses[name] = response.status_code
        if response.streaming:
            assert b"".join(response.streaming_content)  # the file itself (reads and closes it)
    return statuses


def _api_list_ids(client, world):
    body = client.get(reverse("api-case-list", kwargs={"tenant_slug": world.a.slug})).json()
    return [row["id"] for row in body["results"]]


def _declare(setup, **kwargs):
    with tenant_scope(setup["inv"].tenant):
        services.declare_conflicts(
            reload(setup["inv"]), setup["expert"].user, text_version=DECLARATION_VERSION, **kwargs
        )


def test_an_undeclared_expert_sees_no_case_file(client, world, setup):
    client.force_login(setup["expert"].user)
    assert _statuses(client, _urls(world, setup["case"], setup["doc"])) == {"html": 404, "api": 404, "download": 404}
    assert _api_list_ids(client, world) == []
    # The invitation page shows the title only, with the declaration, and no link to the case.
    page = client.get(reverse("review:invitation", kwargs={"tenant_slug": world.a.slug, "inv_pk": setup["inv"].pk}))
    body = page.content.decode()
    assert page.status_code == 200 and setup["case"].title in body
    assert 'id="case-link"' not in body and 'id="declaration-form"' in body
    assert setup["case"].problem_statement not in body


def test_a_conflicted_expert_sees_no_case_file(client, world, setup):
    _declare(setup, has_conflict=True, categories=["blood_relative"])
    assert reload(setup["inv"]).state == InvitationState.RECUSED
    client.force_login(setup["expert"].user)
    assert _statuses(client, _urls(world, setup["case"], setup["doc"])) == {"html": 404, "api": 404, "download": 404}
    assert _api_list_ids(client, world) == []


def test_a_cleared_expert_sees_the_invited_case_only(client, world, setup):
    _declare(setup, has_conflict=False)
    client.force_login(setup["expert"].user)
    statuses = _statuses(client, _urls(world, setup["case"], setup["doc"]))
    assert statuses == {"html": 200, "api": 200, "download": 200}
    assert _api_list_ids(client, world) == [setup["case"].pk]
    with tenant_scope(world.a):
        doc = setup["other"].documents.first()
    assert _statuses(client, _urls(world, setup["other"], doc)) == {"html": 404, "api": 404, "download": 404}
    # The case page offers the expert no action on the case.
    body = client.get(_urls(world, setup["case"], setup["doc"])["html"]).content.decode()
    assert setup["case"].title in body
    assert 'id="upload-form"' not in body and 'id="decision-form"' not in body and 'id="action-' not in body


@pytest.mark.parametrize("leave", ["decline", "withdraw"])
def test_declining_or_a_withdrawal_ends_the_access(client, world, setup, leave):
    _declare(setup, has_conflict=False)
    with tenant_scope(world.a):
        inv = reload(setup["inv"])
        if leave == "decline":
            services.decline_invitation(inv, setup["expert"].user)
        else:
            services.withdraw_invitation(inv, world.cto)
    client.force_login(setup["expert"].user)
    assert _statuses(client, _urls(world, setup["case"], setup["doc"])) == {"html": 404, "api": 404, "download": 404}


def test_an_accepted_expert_keeps_the_case_after_the_meeting_closed(client, world, setup):
    _declare(setup, has_conflict=False)
    with tenant_scope(world.a):
        services.accept_invitation(reload(setup["inv"]), setup["expert"].user)
    set_fields(setup["meeting"], state="closed")
    client.force_login(setup["expert"].user)
    assert _statuses(client, _urls(world, setup["case"], setup["doc"]))["html"] == 200


def test_a_cancelled_meetings_panel_loses_the_case(client, world, setup):
    _declare(setup, has_conflict=False)
    set_fields(setup["meeting"], state="cancelled")
    client.force_login(setup["expert"].user)
    assert _statuses(client, _urls(world, setup["case"], setup["doc"]))["html"] == 404


def test_recusals_are_listed_for_the_minutes(world, setup):
    _declare(setup, has_conflict=True, categories=["agent"], details="曾任代理人")
    from review import queries

    with tenant_scope(world.a):
        [recused] = queries.recusals(setup["meeting"])
    assert recused.pk == setup["inv"].pk and recused.declaration.details == "曾任代理人"
    assert recused.declaration.categories == ["agent"]


def test_an_expert_of_tenant_a_gets_404_in_tenant_b(client, world, setup):
    _declare(setup, has_conflict=False)
    user = setup["expert"].user
    b_case = rf.case_in(world.b, applicant_org=world.org_b, state=CaseState.PRELIMINARY_REVIEW)
    with tenant_scope(world.b):
        b_doc = b_case.documents.first()
    client.force_login(user)
    b = world.b.slug
    for url in (
        reverse("cases:detail", kwargs={"tenant_slug": b, "pk": b_case.pk}),
        reverse("cases:document_download", kwargs={"tenant_slug": b, "pk": b_case.pk, "doc_pk": b_doc.pk}),
        reverse("api-case-detail", kwargs={"tenant_slug": b, "pk": b_case.pk}),
        reverse("review:invitation", kwargs={"tenant_slug": b, "inv_pk": setup["inv"].pk}),
        reverse("api-review-invitation-detail", kwargs={"tenant_slug": b, "pk": setup["inv"].pk}),
        reverse("review:my_profile", kwargs={"tenant_slug": b}),
    ):
        assert client.get(url).status_code == 404, url
    # Even as an expert of B's pool too, A's invitation opens nothing of B's cases and is 404 under B's slug.
    Membership.objects.create(user=user, tenant=world.b, role=Role.EXPERT)
    with tenant_scope(world.b):
        Expert.objects.create(tenant=world.b, user=user)
    assert client.get(reverse("cases:detail", kwargs={"tenant_slug": b, "pk": b_case.pk})).status_code == 404
    assert (
        client.get(reverse("review:invitation", kwargs={"tenant_slug": b, "inv_pk": setup["inv"].pk})).status_code
        == 404
    )
    assert client.get(reverse("api-case-list", kwargs={"tenant_slug": b})).json()["results"] == []
