"""Tenant isolation over every route: a user of tenant B (or of no tenant) gets 404 for anything of tenant A.

The routes are discovered from the URL configuration, so a new page or API endpoint is covered
automatically; a route whose URL arguments this test cannot fill makes it fail until a sample is added.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from platform_site.enums import TenantKind
from platform_site.tenancy import tenant_scope
from tests.billing.factories import billing_samples
from tests.billing.statement_samples import billing_statement_samples
from tests.delivery.factories import delivery_samples
from tests.factories import InvitationFactory, complete_case, set_fields
from tests.hwsim.factories import VerificationJobFactory
from tests.suppliers.factories import supplier_samples

pytestmark = pytest.mark.django_db

#: Routes that are public by design (the office's landing page, its registration form, and the emailed
#: invitation link, whose other-tenant / tampered use is tested in tests/platform_site/test_invitations.py;
#: the supplier registration form; the lab's certificate verification page, tested in tests/hwsim/test_reports.py).
PUBLIC_ROUTES = {"tenant_home", "register", "invitation_accept", "suppliers:register", "hwsim:verify"}


def tenant_routes() -> Iterator[tuple[str, list[str]]]:
    """(route name with namespace, URL argument names) for every route under a tenant slug."""

    def walk(patterns, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", prefix + str(entry.pattern)

    for name, route in walk(get_resolver().url_patterns, "", ""):
        if "<slug:tenant_slug>" in route:
            yield name, re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def test_the_route_walk_finds_the_case_pages_and_api():
    names = {name for name, _args in tenant_routes()}
    assert {
        "cases:list",
        "cases:detail",
        "cases:document_download",
        "cases:decide",
        "api-case-list",
        "api-case-detail",
        "api-case-transition",
        "hwsim:detail",
        "hwsim:certificate",
        "api-hwsim-request-results",
        "review:decision",
        "review:case_committee",
        "api-review-decision-list",
        "api-review-case-committee",
    } <= names


@pytest.fixture
def samples(world):
    """URL arguments naming tenant-A objects, per route-name prefix. Tenant A is made a verification lab too,
    so the lab's routes (which 404 in other kinds of tenant) are exercised with a real request."""
    world.a.kind = TenantKind.VERIFICATION_LAB
    world.a.save()
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    job = VerificationJobFactory(tenant=world.a, request__requester=world.applicant, request__requester_org=world.org_a)
    with tenant_scope(world.a):
        document = case.documents.first()
        preset = job.request.platforms.first()
    common = {"tenant_slug": "tsmp", "action": "submit", "action_name": "submit"}
    invitation = InvitationFactory(tenant=world.a, organization=world.org_a)
    supplier = supplier_samples(world, case)
    review = _review_samples(world, case)
    panel = _review_panel_samples(world, case)
    billing_statements = billing_statement_samples(world)
    return {  # the first prefix a route name starts with wins: the specific review prefixes before "review:"
        **delivery_samples(world),
        **supplier,
        **billing_statements,  # the specific statement prefixes before the invoices' generic "billing:"
        **billing_samples(world, case),
        **{
            prefix: {**common, **panel}
            for prefix in ("review:expert", "review:my_", "review:panel", "review:invitation")
        },
        "api-review-invitation": {**common, "pk": panel["inv_pk"]},
        **review,
        "members": {**common, "pk": invitation.pk},
        "cases:": {**common, "pk": case.pk, "doc_pk": document.pk},
        "api-case-": {**common, "pk": case.pk},
        "hwsim:": {**common, "pk": job.request_id},
        "api-hwsim-request-": {**common, "pk": job.request_id},
        "api-hwsim-preset-": {**common, "pk": preset.pk},
        "hwsim_dse:": {**common, "pk": (dse_pk := _dse_sample(world))},
        "api-hwsim-dse-": {**common, "pk": dse_pk},
        **_benefits_samples(world, case),
    }


def _benefits_samples(world, case):
    """A tenant-A KPI measurement of ``case`` (benefit tracking routes; arranged, not recorded by the service)."""
    from cases.benefits.models import KpiMeasurement

    with tenant_scope(world.a):
        m = KpiMeasurement.objects.create(
            case=case,
            kind="jobs",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            value=3,
            unit="people",
            evidence_reference="名冊",
            recorded_by=world.reviewer,
        )
    common = {"tenant_slug": "tsmp", "case_pk": case.pk, "pk": m.pk, "key": "funnel"}
    return {"benefits:": {**common, "kind": "jobs", "fmt": "csv"}, "api-benefits-": common}


def _dse_sample(world):
    """A finished design-space sweep of tenant A (its pages and POSTs are exercised with a real object)."""
    from hwsim.dse import services as dse_services
    from hwsim.engine import dse

    spec = dse.parse_sweep(
        {
            "workload": "resnet18",
            "scenario": "Offline",
            "shapes": [[8, 8]],
            "dataflows": ["ws"],
            "sram_kib": [64],
            "clock_ghz": [1.0],
            "chiplets": [1],
            "partitioning": ["replicate"],
            "nodes": [7],
            "packages": ["os"],
        }
    )
    with tenant_scope(world.a):
        sweep = dse_services.create_sweep(world.reviewer, title="DSE", spec=spec)
        dse_services.start_sweep(sweep.pk)
        dse_services.run_chunk(sweep.pk, 0)
    return sweep.pk


def _review_samples(world, case):
    """A tenant-A committee meeting of ``case`` with a recorded decision (review app routes)."""
    from review.enums import DecisionOutcome, DecisionState, MeetingState
    from review.models import ReviewDecision
    from tests.review import factories as rf

    meeting = rf.meeting(world.a, case, chair=world.cto)
    with tenant_scope(world.a):
        decision = ReviewDecision.objects.create(meeting=meeting, outcome=DecisionOutcome.REJECT)
        ReviewDecision.objects.filter(pk=decision.pk).update(state=DecisionState.RECORDED)
    set_fields(meeting, state=MeetingState.CLOSED)
    common = {"tenant_slug": "tsmp", "case_pk": case.pk}
    return {
        "review:": {**common, "pk": meeting.pk, "action": "open"},
        "api-review-meeting-": {**common, "pk": meeting.pk, "action_name": "open"},
        "api-review-decision-": {**common, "pk": decision.pk},
        "api-review-case-committee": common,
    }


def _review_panel_samples(world, case):
    """Tenant-A rows of the review app's expert pool and panels (review.urls: pool and panel routes)."""
    from tests.review import factories as rf

    mtg = rf.meeting(world.a, case, chair=world.cto, round=2)  # round 1 is _review_samples' meeting
    exp = rf.expert(world.a)
    aff = rf.affiliation(exp, "22099131", dt.date(2020, 1, 1))
    inv = rf.seat(mtg, exp)
    return {"meeting_pk": mtg.pk, "expert_pk": exp.pk, "aff_pk": aff.pk, "inv_pk": inv.pk}


def _urls(samples):
    for name, args in sorted(tenant_routes()):
        if name in PUBLIC_ROUTES:
            continue
        prefix = next((p for p in samples if name.startswith(p)), None)
        assert prefix, f"route {name}: add a tenant-A sample for its prefix to `samples`"
        unknown = [a for a in args if a not in samples[prefix]]
        assert not unknown, f"route {name} has URL arguments {unknown}: add a tenant-A sample for them to `samples`"
        yield name, reverse(name, kwargs={a: samples[prefix][a] for a in args})


def test_the_samples_are_visible_to_tenant_a(client, world, samples):
    """The 404s below mean something: the same URLs answer 200 for tenant A's own staff."""
    client.force_login(world.reviewer)
    for name in (
        "cases:detail",
        "hwsim:detail",
        "api-case-detail",
        "api-hwsim-request-detail",
        "api-hwsim-preset-detail",
        "hwsim_dse:results",
        "api-hwsim-dse-detail",
        "suppliers:detail",
        "suppliers:design",
        "suppliers:referral",
        "suppliers:case",
        "api-supplier-profile-detail",
        "api-supplier-design-detail",
        "api-supplier-referral-detail",
        "api-supplier-matchmaking-detail",
        "api-supplier-case-detail",
        "review:decision",
        "review:case_committee",
        "api-review-decision-detail",
        "review:expert_detail",
        "billing:invoice",
        "api-billing-invoice-detail",
        "delivery:group",
        "delivery:report",
        "delivery:assignment",
        "api-delivery-report-detail",
        "api-delivery-assignment-detail",
    ):
        prefix = next(p for p in samples if name.startswith(p))
        args = dict(tenant_routes())[name]
        assert client.get(reverse(name, kwargs={a: samples[prefix][a] for a in args})).status_code == 200, name


@pytest.mark.parametrize("persona", ["b_reviewer", "b_applicant", "outsider"])
def test_every_tenant_route_is_404_for_other_tenants(client, world, samples, persona):
    client.force_login(getattr(world, persona))
    failures = []
    for name, url in _urls(samples):
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status not in (404, 405):
                failures.append((name, method, url, status))
    assert failures == []


def test_anonymous_users_are_sent_to_login_or_refused(client, samples):
    for name, url in _urls(samples):
        status = client.get(url).status_code
        assert status in (302, 401, 403, 405), (name, status)


def test_an_unknown_tenant_is_404(client, world):
    client.force_login(world.reviewer)
    assert client.get("/t/no-such-office/cases/").status_code == 404
    assert client.get("/api/v1/t/no-such-office/cases/").status_code == 404


@pytest.mark.parametrize("persona", ["b_reviewer", "b_applicant", "outsider"])
def test_the_public_tenant_home_shows_other_tenants_no_data(client, world, samples, persona):
    """``tenant_home`` is public (the landing page) but is a member's inbox: for anyone else it holds no panel
    and none of tenant A's cases or requests."""
    client.force_login(getattr(world, persona))
    body = client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert "data-panel=" not in body
    from cases.models import DemandCase
    from hwsim.models import VerificationRequest

    with tenant_scope(world.a):
        titles = [
            *DemandCase.objects.values_list("title", flat=True),
            *VerificationRequest.objects.values_list("title", flat=True),
        ]
    assert len(titles) >= 2 and not any(title in body for title in titles)  # the samples' cases and the request
    client.force_login(world.reviewer)  # the same page is tenant A's staff's inbox, with the request in it
    assert titles[-1] in client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
